import type { KeyObject } from "node:crypto";
import { SignJWT } from "jose";
import { InvalidKeyError } from "../../errors";
import { DEFAULTS } from "../defaults";
import { emit, type EventSink } from "../events";
import { cryptoReason } from "../redact";
import { CachedTokenSource, type MintedToken } from "./token-cache";

export interface LegacyTokenSourceOptions {
  /** From {@link parseLegacyKeyFile}: `sub` = accessID, `aud` = adminRestApiUrl as in the file. */
  key: { accessID: string; adminRestApiUrl: string; privateKey: KeyObject };
  /** Token lifetime; the API accepts at most 3600. Default {@link DEFAULTS.legacyTokenLifetimeSeconds}. */
  lifetimeSeconds?: number;
  /** Default {@link DEFAULTS.renewBeforeExpirySeconds}. */
  renewBeforeExpirySeconds?: number;
  /** Epoch ms. Default `Date.now`. */
  now?: () => number;
  onEvent?: EventSink;
}

/**
 * Mints the RS256 JWTs of a legacy Administration API key: one per process, reused until it is
 * `renewBeforeExpirySeconds` from expiry.
 *
 * RS256 signatures are deterministic: a token minted in the same second with the same claims would be
 * byte for byte the refused one. So no two tokens of a source share an `iat`: a mint within the second
 * of an earlier one (after `invalidate`) dates its `iat` one second further back. The claims stay
 * exactly those the API documents (`sub`, `aud`, `iat`, `exp`).
 */
export class LegacyTokenSource extends CachedTokenSource {
  readonly kind = "legacy" as const;
  /** The `iat` of every token minted and not yet expired. */
  private readonly usedIats = new Set<number>();

  constructor(private readonly options: LegacyTokenSourceOptions) {
    super(options.now ?? Date.now);
  }

  protected async mintToken(): Promise<MintedToken> {
    const nowMs = (this.options.now ?? Date.now)();
    const { key, onEvent } = this.options;
    const lifetime = Math.min(this.options.lifetimeSeconds ?? DEFAULTS.legacyTokenLifetimeSeconds, 3600);
    const renewBefore = Math.min(
      this.options.renewBeforeExpirySeconds ?? DEFAULTS.renewBeforeExpirySeconds,
      lifetime / 5,
    );
    const now = Math.floor(nowMs / 1000);
    for (const used of this.usedIats) if (used + lifetime < now) this.usedIats.delete(used);
    let iat = now;
    while (this.usedIats.has(iat)) iat -= 1;
    this.usedIats.add(iat);
    const exp = iat + lifetime;
    let token: string;
    try {
      token = await new SignJWT({})
        .setProtectedHeader({ alg: "RS256", typ: "JWT" })
        .setSubject(key.accessID)
        .setAudience(key.adminRestApiUrl)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .sign(key.privateKey);
    } catch (err) {
      // A key that cannot sign is a key problem, never a connection problem.
      throw new InvalidKeyError(
        `The Administration API key ${key.accessID} cannot sign a token (${cryptoReason(err)}).`,
        {
          hint: "Generate a new key in the Cloud Administration Console (Platform > API Key Management) and use its key file.",
        },
      );
    }
    emit(onEvent, { type: "token", kind: "legacy", mintedCount: this.mintedCount + 1 });
    return { token, renewAtMs: (exp - renewBefore) * 1000 };
  }
}
