import { generateKeyPairSync, type JsonWebKey, type KeyObject } from "node:crypto";
import { MockAgent } from "undici";
import type { TokenSource } from "../../src/client/auth/token-source";

/** A clock that only moves when `sleep` is called (or `advance`). */
export class FakeClock {
  t = Date.UTC(2025, 0, 1, 12, 0, 0);
  readonly sleeps: number[] = [];

  readonly now = (): number => this.t;

  /** Records `ms`, lets other work run, then moves the clock by `ms`. */
  readonly sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.t += ms;
  };

  advance(ms: number): void {
    this.t += ms;
  }
}

export const BASE = "https://tenant.access.securid.com";
export const BASE_URL = `${BASE}/AdminInterface/restapi`;

export function mockAgent(): MockAgent {
  const agent = new MockAgent({ enableCallHistory: true });
  agent.disableNetConnect();
  return agent;
}

/** A token source handing out `token-1`, `token-2`, ... (a new one after each invalidate). */
export class CountingTokens implements TokenSource {
  readonly kind = "legacy" as const;
  mintedCount = 0;
  private current: string | undefined;
  readonly invalidated: string[] = [];

  async getToken(): Promise<string> {
    if (!this.current) {
      this.mintedCount += 1;
      this.current = `token-${this.mintedCount}`;
    }
    return this.current;
  }

  invalidate(token: string): void {
    this.invalidated.push(token);
    if (token === this.current) this.current = undefined;
  }
}

let rsa: { privateKey: KeyObject; publicKey: KeyObject } | undefined;

/** One RSA key pair per test run (generating is slow). */
export function rsaKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  rsa ??= generateKeyPairSync("rsa", { modulusLength: 2048 });
  return rsa;
}

export function pkcs1Pem(): string {
  return rsaKeyPair().privateKey.export({ type: "pkcs1", format: "pem" }).toString();
}

export function pkcs8Pem(): string {
  return rsaKeyPair().privateKey.export({ type: "pkcs8", format: "pem" }).toString();
}

/** A legacy Administration API key file as the console exports it, holding `pem`. */
export function legacyKeyFileJson(pem: string, extra: Record<string, string> = {}): string {
  return JSON.stringify({
    customerName: "c",
    accessID: "access-1",
    accessKey: pem,
    adminRestApiUrl: `${BASE_URL}/`,
    ...extra,
  });
}

/** The private JWK of a new 2048-bit RSA key (not the shared pair), with `kid`. */
export function newPrivateJwk(kid: string): JsonWebKey & { kid: string } {
  return { ...generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" }), kid };
}

/** The base64 body of a PEM (no header, no line breaks): used to assert it never leaks. */
export function pemBody(pem: string): string {
  return pem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
}

export const USER = {
  id: "f85b6e95-f41f-45b4-bc84-559fead6460c",
  emailAddress: "user.one@mycompany.com",
  firstName: "User",
  lastName: "One",
  creationDate: "2018-08-31T19:10:30.045Z",
  identitySource: "My Company AD",
  userStatus: "Enabled",
  markDeleted: false,
  highRiskUser: false,
  markDeletedAt: null,
  markDeletedBy: null,
  smsNumber: "+11235556799",
  voiceNumber: "+1 774 291 4444",
  lastSyncTime: "2018-08-31T19:20:30.045Z",
};
