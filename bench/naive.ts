/**
 * The NAIVE client the benchmark compares against: what a hand-written script does. One request at a
 * time, no limiter, a fixed 1 s wait before retrying a 429 or a 5xx (or a dropped connection), one
 * legacy JWT for the whole run. It calls the emulator directly with undici's `request`: lookup, then
 * a status PUT when the status differs. It has no state, so "no-op up" and "refresh" are a lookup per user.
 */
import { createPrivateKey } from "node:crypto";
import { SignJWT } from "jose";
import { Agent, request } from "undici";
import type { Emulator } from "../src/emulator";
import type { DesiredUser } from "./workload";

const RETRY_WAIT_MS = 1000;
const MAX_ATTEMPTS = 20;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface NaiveResult {
  ok: number;
  failed: number;
  errors: string[];
}

export class NaiveClient {
  private readonly agent = new Agent();
  private token: string | undefined;

  constructor(private readonly emulator: Pick<Emulator, "url" | "keyFile">) {}

  private async bearer(): Promise<string> {
    const { accessID, adminRestApiUrl, accessKey } = this.emulator.keyFile;
    const iat = Math.floor(Date.now() / 1000);
    this.token ??= await new SignJWT({})
      .setProtectedHeader({ alg: "RS256", typ: "JWT" })
      .setSubject(accessID)
      .setAudience(adminRestApiUrl)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 3000)
      .sign(createPrivateKey(accessKey));
    return this.token;
  }

  /** One call, retried after a fixed wait on 429, 5xx and connection errors. */
  private async call(method: "POST" | "PUT", path: string, body: unknown): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      let status: number;
      let text: string;
      try {
        const res = await request(`${this.emulator.url}${path}`, {
          dispatcher: this.agent,
          method,
          headers: { authorization: `Bearer ${await this.bearer()}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        status = res.statusCode;
        text = await res.body.text();
      } catch (err) {
        if (attempt >= MAX_ATTEMPTS) throw err;
        await sleep(RETRY_WAIT_MS);
        continue;
      }
      if (status >= 200 && status < 300) return JSON.parse(text) as unknown;
      if ((status === 429 || status >= 500) && attempt < MAX_ATTEMPTS) {
        await sleep(RETRY_WAIT_MS);
        continue;
      }
      throw new Error(`${method} ${path}: ${status} ${text.slice(0, 200)}`);
    }
  }

  private lookup(email: string): Promise<{ id: string; userStatus: string }> {
    return this.call("POST", "v1/users/lookup", { email, searchUnsynched: false }) as Promise<{
      id: string;
      userStatus: string;
    }>;
  }

  /** Lookup each user, PUT the status where it differs; serially. */
  async apply(users: readonly DesiredUser[]): Promise<NaiveResult> {
    return this.each(users, async (u) => {
      const user = await this.lookup(u.email);
      if (user.userStatus !== u.status) {
        await this.call("PUT", `v1/users/${encodeURIComponent(user.id)}/userStatus`, {
          userStatus: u.status,
        });
      }
    });
  }

  /** Lookup each user; serially. */
  async read(users: readonly DesiredUser[]): Promise<NaiveResult> {
    return this.each(users, async (u) => void (await this.lookup(u.email)));
  }

  private async each(users: readonly DesiredUser[], fn: (u: DesiredUser) => Promise<void>) {
    const result: NaiveResult = { ok: 0, failed: 0, errors: [] };
    for (const u of users) {
      try {
        await fn(u);
        result.ok += 1;
      } catch (err) {
        result.failed += 1;
        if (result.errors.length < 5) result.errors.push(err instanceof Error ? err.message : String(err));
      }
    }
    return result;
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
