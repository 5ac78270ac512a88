/**
 * Bearer tokens: OAuth access tokens issued by the token endpoint (kept by hash only), tokens seen
 * on API calls, and revocation.
 */
import { createHash, randomBytes } from "node:crypto";

/** The id logged for a token: a sha256 hex prefix, never the token. */
export function tokenId(token: string): string {
  return createHash("sha256").update(token).digest("hex").slice(0, 16);
}

export interface AccessToken {
  clientId: string;
  scopes: ReadonlySet<string>;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export class TokenRegistry {
  private readonly issued = new Map<string, AccessToken>();
  private readonly seen = new Set<string>();
  private readonly revoked = new Set<string>();

  /** Mints an opaque access token. */
  issue(clientId: string, scopes: ReadonlySet<string>, expiresAt: number): { token: string; id: string } {
    const token = randomBytes(32).toString("base64url");
    const id = tokenId(token);
    this.issued.set(id, { clientId, scopes, expiresAt });
    return { token, id };
  }

  accessToken(id: string): AccessToken | undefined {
    return this.issued.get(id);
  }

  markSeen(id: string): void {
    this.seen.add(id);
  }

  isRevoked(id: string): boolean {
    return this.revoked.has(id);
  }

  /** Refuses every token issued or seen so far. */
  revokeAll(): void {
    for (const id of this.issued.keys()) this.revoked.add(id);
    for (const id of this.seen) this.revoked.add(id);
  }
}
