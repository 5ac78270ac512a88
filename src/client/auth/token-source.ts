/** Where a client gets the bearer token of each request. */
export interface TokenSource {
  /** The kind of credentials, for messages. */
  readonly kind: "legacy" | "oauth";
  /** A valid token: the cached one, or a fresh one (concurrent callers share one mint). */
  getToken(): Promise<string>;
  /** The API refused `token`: drop it if it is still the cached one. */
  invalidate(token: string): void;
  /** Tokens minted so far. */
  readonly mintedCount: number;
}
