import type { TokenSource } from "./auth/token-source";

/** What the API is told about the caller, per attempt. */
export interface RequestAuth {
  /** Headers to add to one attempt (e.g. `authorization`). */
  headers(): Promise<Record<string, string>>;
  /**
   * The API refused an attempt made with `headers` (401/403): forget what produced them. When
   * `renewable`, the transport then sends the request once more with fresh headers.
   */
  refused(headers: Record<string, string>): void;
  /** Whether fresh headers can differ from refused ones (a token source) or not (static credentials). */
  readonly renewable: boolean;
  /** Why the API may still refuse, for the `AuthFailedError` of a call needing `scopes`. */
  refusedHint(scopes: readonly string[]): string;
}

/** `Authorization: Bearer <token>` from a {@link TokenSource}; a refused token is invalidated. */
export function bearerTokenAuth(
  tokens: TokenSource,
  refusedHint: (scopes: readonly string[]) => string,
): RequestAuth {
  return {
    renewable: true,
    async headers() {
      return { authorization: `Bearer ${await tokens.getToken()}` };
    },
    refused(headers) {
      const match = /^Bearer (.+)$/.exec(headers.authorization ?? "");
      if (match) tokens.invalidate(match[1]);
    },
    refusedHint,
  };
}

/** Fixed headers (HTTP Basic, a static bearer token): nothing to renew. */
export function staticAuth(headers: Record<string, string>, refusedHint: string): RequestAuth {
  return {
    renewable: false,
    headers: () => Promise.resolve({ ...headers }),
    refused: () => undefined,
    refusedHint: () => refusedHint,
  };
}
