import type { TokenSource } from "./token-source";

/** A token and when to stop using it. */
export interface MintedToken {
  token: string;
  /** Epoch ms after which the token is renewed before use. */
  renewAtMs: number;
}

/**
 * Caches one token: reuses it until `renewAtMs`, shares one in-flight mint between concurrent callers,
 * and drops it on `invalidate`. A failed mint is not cached.
 */
export class TokenCache {
  private current: MintedToken | undefined;
  private pending: Promise<MintedToken> | undefined;
  private minted = 0;

  constructor(
    private readonly mint: () => Promise<MintedToken>,
    private readonly now: () => number,
  ) {}

  get mintedCount(): number {
    return this.minted;
  }

  async get(): Promise<string> {
    if (this.current && this.now() < this.current.renewAtMs) return this.current.token;
    if (!this.pending) {
      const pending = this.mint().then(
        (fresh) => {
          this.minted += 1;
          if (this.pending === pending) {
            this.current = fresh;
            this.pending = undefined;
          }
          return fresh;
        },
        (err: unknown) => {
          if (this.pending === pending) this.pending = undefined;
          throw err;
        },
      );
      this.pending = pending;
    }
    return (await this.pending).token;
  }

  invalidate(token: string): void {
    if (this.current?.token === token) this.current = undefined;
  }
}

/** A {@link TokenSource} whose tokens come from `mintToken`, cached by a {@link TokenCache}. */
export abstract class CachedTokenSource implements TokenSource {
  abstract readonly kind: TokenSource["kind"];
  private readonly cache: TokenCache;

  protected constructor(now: () => number) {
    this.cache = new TokenCache(() => this.mintToken(), now);
  }

  /** A new token, and when to renew it. */
  protected abstract mintToken(): Promise<MintedToken>;

  get mintedCount(): number {
    return this.cache.mintedCount;
  }

  getToken(): Promise<string> {
    return this.cache.get();
  }

  invalidate(token: string): void {
    this.cache.invalidate(token);
  }
}
