/**
 * Authentication: CAS bearer tokens (a legacy RS256 JWT signed with the API key, or an opaque OAuth
 * access token) and Nexus credentials (HTTP Basic, or a bearer token with an application token).
 */
import { createHash, timingSafeEqual, type KeyObject } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { compactVerify, decodeProtectedHeader } from "jose";
import { bearerToken, header, isRecord } from "./http";
import { tokenId, type TokenRegistry } from "./tokens";
import type { NexusCredentials } from "./types";

export const SCOPES = ["rsa.user.read", "rsa.user.manage", "rsa.user.sync"] as const;

/** Seconds of clock skew the server allows. */
export const CLOCK_SKEW_S = 60;
/** The longest `exp - iat` a legacy JWT may have. */
export const MAX_LEGACY_LIFETIME_S = 3600;

export type CasAuth =
  | { ok: true; kind: "legacy" | "oauth"; tokenId: string; scopes?: ReadonlySet<string> }
  | { ok: false; status: 401 | 403; message: string; tokenId?: string };

export interface CasAuthorityOptions {
  accessID: string;
  /** The key file's adminRestApiUrl: the only `aud` accepted. */
  audience: string;
  publicKey: KeyObject;
  tokens: TokenRegistry;
  clock: () => number;
}

function refuse(message: string, id?: string): CasAuth {
  return id === undefined
    ? { ok: false, status: 403, message }
    : { ok: false, status: 403, message, tokenId: id };
}

function refusal(message: string, id: string): CasAuth & { ok: false } {
  return { ok: false, status: 403, message, tokenId: id };
}

/** Legacy JWTs whose header and signature were verified, kept by token id; bounded. */
const VERIFIED_CACHE_SIZE = 1024;

export class CasAuthority {
  /**
   * Claims of legacy JWTs already verified, by token id: the same bytes always verify the same way, so
   * a token reused for every request (as clients should) costs one signature check, not one per request.
   * The claims (expiry) are still checked on every request.
   */
  private readonly verified = new Map<string, unknown>();

  constructor(private readonly opts: CasAuthorityOptions) {}

  async authenticate(headers: IncomingHttpHeaders): Promise<CasAuth> {
    const token = bearerToken(headers);
    if (!token) return refuse("Access Denied: no bearer token");
    const id = tokenId(token);
    this.opts.tokens.markSeen(id);
    if (this.opts.tokens.isRevoked(id)) return refuse("Access Denied: token revoked", id);
    return token.split(".").length === 3 ? this.legacy(token, id) : this.opaque(id);
  }

  private opaque(id: string): CasAuth {
    const access = this.opts.tokens.accessToken(id);
    if (!access) return refuse("Access Denied: invalid access token", id);
    if (this.opts.clock() >= access.expiresAt) {
      return { ok: false, status: 401, message: "Access token expired", tokenId: id };
    }
    return { ok: true, kind: "oauth", tokenId: id, scopes: access.scopes };
  }

  private async legacy(token: string, id: string): Promise<CasAuth> {
    const verified = this.verified.has(id)
      ? { ok: true as const, claims: this.verified.get(id) }
      : await this.verify(token, id);
    if (!verified.ok) return verified;
    const problem = this.checkClaims(verified.claims);
    return problem ? refuse(`Access Denied: ${problem}`, id) : { ok: true, kind: "legacy", tokenId: id };
  }

  /** The claims of a legacy JWT with a valid header and signature, or the refusal. */
  private async verify(
    token: string,
    id: string,
  ): Promise<{ ok: true; claims: unknown } | (CasAuth & { ok: false })> {
    let protectedHeader: Record<string, unknown>;
    try {
      protectedHeader = decodeProtectedHeader(token);
    } catch {
      return refusal("Access Denied: malformed JWT", id);
    }
    const extra = Object.keys(protectedHeader).filter((k) => k !== "alg" && k !== "typ");
    if (protectedHeader.alg !== "RS256" || extra.length > 0) {
      return refusal("Access Denied: JWT header must be {typ: JWT, alg: RS256}", id);
    }
    if (protectedHeader.typ !== undefined && protectedHeader.typ !== "JWT") {
      return refusal("Access Denied: JWT header must be {typ: JWT, alg: RS256}", id);
    }
    let claims: unknown;
    try {
      const { payload } = await compactVerify(token, this.opts.publicKey, { algorithms: ["RS256"] });
      claims = JSON.parse(new TextDecoder().decode(payload));
    } catch {
      return refusal("Access Denied: invalid JWT signature", id);
    }
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.clear();
    this.verified.set(id, claims);
    return { ok: true, claims };
  }

  /** What is wrong with the claims of a legacy JWT, or `undefined`. */
  private checkClaims(claims: unknown): string | undefined {
    if (!isRecord(claims)) return "JWT claims are not an object";
    if (claims.sub !== this.opts.accessID) return "unknown API key (sub)";
    if (typeof claims.aud !== "string" || claims.aud !== this.opts.audience) return "invalid audience (aud)";
    const { iat, exp } = claims;
    if (
      typeof iat !== "number" ||
      typeof exp !== "number" ||
      !Number.isFinite(iat) ||
      !Number.isFinite(exp)
    ) {
      return "iat and exp must be numbers";
    }
    if (exp - iat > MAX_LEGACY_LIFETIME_S) return "token lifetime exceeds one hour";
    if (exp <= iat) return "exp must be after iat";
    const now = this.opts.clock() / 1000;
    if (now > exp + CLOCK_SKEW_S) return "token expired";
    if (iat > now + CLOCK_SKEW_S) return "token issued in the future";
    return undefined;
  }
}

/** True when the token is a legacy JWT (all operations) or an access token with one of `anyOf`. */
export function hasScope(auth: CasAuth & { ok: true }, anyOf: readonly string[]): boolean {
  return auth.scopes === undefined || anyOf.some((s) => auth.scopes!.has(s));
}

export type NexusAuth =
  | { ok: true; mode: "basic" | "bearer"; tokenId?: string }
  | { ok: false; status: 401 | 403; detail: string; tokenId?: string };

function same(a: string, b: string): boolean {
  const hash = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(hash(a), hash(b));
}

export function authenticateNexus(headers: IncomingHttpHeaders, creds: NexusCredentials): NexusAuth {
  const authorization = header(headers, "authorization") ?? "";
  const basic = /^Basic\s+(\S+)\s*$/i.exec(authorization);
  if (basic) {
    const decoded = Buffer.from(basic[1]!, "base64").toString("utf8");
    return same(decoded, `${creds.username}:${creds.password}`)
      ? { ok: true, mode: "basic" }
      : { ok: false, status: 401, detail: "Invalid username or password." };
  }
  const token = bearerToken(headers);
  if (!token) return { ok: false, status: 401, detail: "Authentication is required for this operation." };
  const id = tokenId(token);
  if (!same(token, creds.bearerToken))
    return { ok: false, status: 401, detail: "Invalid bearer token.", tokenId: id };
  const appToken = header(headers, creds.applicationTokenHeader);
  if (appToken === undefined || !same(appToken, creds.applicationToken)) {
    return {
      ok: false,
      status: 403,
      detail: `A valid ${creds.applicationTokenHeader} header is required with a bearer token.`,
      tokenId: id,
    };
  }
  return { ok: true, mode: "bearer", tokenId: id };
}
