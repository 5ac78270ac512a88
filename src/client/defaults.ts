/**
 * Every default of the client, in one place. Units are in the names. Settings (`securid:*`, `nexus:*`)
 * override the knobs listed in {@link KNOB_RANGES}; the rest are fixed.
 */
export const DEFAULTS = {
  /** Time to open a TCP/TLS connection (per attempt). */
  connectTimeoutMs: 10_000,
  /** Time to wait for the answer's headers, and between two chunks of its body (per attempt). */
  requestTimeoutSeconds: 30,
  /** How long an idle connection is kept for reuse (a server's `Keep-Alive: timeout` wins when lower). */
  keepAliveTimeoutMs: 10_000,
  /** Upper bound of the keep-alive time a server may ask for. */
  keepAliveMaxTimeoutMs: 60_000,

  /**
   * Retries of a request after failures (5xx, dropped connections, timeouts), and as many again after
   * 429s: the two budgets are separate, so a storm of 429s does not use up the retries for failures.
   */
  maxRetries: 6,
  /** Lower bound of a retry delay. */
  minRetryDelayMs: 250,
  /** Upper bound of a retry delay, `Retry-After` included. */
  maxRetryDelayMs: 20_000,
  /** The backoff ceiling grows by this factor per retry; the delay is drawn uniformly below it (full jitter). */
  backoffFactor: 2,
  /**
   * Connection errors that deserve fewer retries than `maxRetries` (the retry policy stops once this
   * many of a request's attempts have failed, 429s not counted): a refused connection or an unknown
   * host rarely heal within seconds, and a timed-out attempt already cost `requestTimeoutSeconds`.
   */
  retryLimitByErrorCode: {
    ECONNREFUSED: 2,
    ENOTFOUND: 0,
    UND_ERR_CONNECT_TIMEOUT: 2,
    UND_ERR_HEADERS_TIMEOUT: 1,
    UND_ERR_BODY_TIMEOUT: 1,
  } as Readonly<Record<string, number>>,
  /** Statuses retried with backoff. */
  retryStatusCodes: [429, 500, 502, 503, 504] as readonly number[],
  /** Connection errors retried with backoff (subject to `retryLimitByErrorCode`). */
  retryErrorCodes: [
    "ECONNRESET",
    "ECONNREFUSED",
    "ENOTFOUND",
    "EAI_AGAIN",
    "ETIMEDOUT",
    "EPIPE",
    "ENETDOWN",
    "ENETUNREACH",
    "EHOSTDOWN",
    "EHOSTUNREACH",
    "UND_ERR_SOCKET",
    "UND_ERR_CONNECT_TIMEOUT",
    "UND_ERR_HEADERS_TIMEOUT",
    "UND_ERR_BODY_TIMEOUT",
  ] as readonly string[],

  /** Requests in flight per tenant per process. */
  maxConcurrency: 8,
  /** Requests started per second per tenant per process; `undefined`: no cap (the adaptive rate still applies after a 429). */
  maxRequestsPerSecond: undefined as number | undefined,
  /**
   * After a 429 the allowed rate becomes this factor times the lower of the allowed rate and the rate
   * the API accepted over the last `rateWindowMs` (which, under a limit, is the limit).
   */
  throttleDecreaseFactor: 0.9,
  /** Requests per second added to the allowed rate per second right after a decrease. */
  throttleIncreasePerSecond: 1,
  /** That increase per second doubles every this many seconds without a 429 (0: linear). */
  throttleIncreaseDoublingSeconds: 5,
  /** The adaptive rate never goes below this (requests per second). */
  minRequestsPerSecond: 0.5,
  /**
   * 429s within this time after a decrease do not decrease the rate again: a storm of 429s lowers the
   * rate once per this time (each time to the factor times what the API accepted), not once per answer,
   * which on a fast network would collapse the rate to its minimum within milliseconds.
   */
  throttleDecreaseCooldownMs: 1_000,
  /** Window over which the recent accepted and started rates are measured. */
  rateWindowMs: 2_000,

  /** Lifetime of a legacy Administration API JWT (the API accepts at most one hour). */
  legacyTokenLifetimeSeconds: 3_000,
  /** A cached token is renewed this long before it expires. */
  renewBeforeExpirySeconds: 120,
  /**
   * RSA keys shorter than this are refused when read (legacy PEM and OAuth JWK): RS256 with a shorter
   * key is refused by jose when signing, and by current guidance.
   */
  minRsaKeyBits: 2048,
  /** Lifetime of an OAuth client assertion. */
  oauthAssertionLifetimeSeconds: 300,
  /** Scopes requested by an OAuth client (which of the last two the sync call checks is unconfirmed). */
  defaultOAuthScopes: "rsa.user.read rsa.user.manage rsa.user.sync",
  /** Name of the Nexus application token header (not published; configurable). */
  nexusApplicationTokenHeader: "ApplicationToken",
} as const;

/** The per-attempt timeouts undici applies, derived from `requestTimeoutSeconds`. */
export function timeoutsFor(requestTimeoutSeconds: number): {
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
} {
  const ms = Math.round(requestTimeoutSeconds * 1000);
  return { headersTimeoutMs: ms, bodyTimeoutMs: ms };
}

/** Allowed values of the knobs settable in the stack config or the environment. */
export const KNOB_RANGES = {
  maxConcurrency: { min: 1, max: 64, integer: true },
  maxRetries: { min: 0, max: 20, integer: true },
  requestTimeoutSeconds: { min: 1, max: 600, integer: false },
  maxRequestsPerSecond: { min: Number.MIN_VALUE, max: 10_000, integer: false },
  minRetryDelayMs: { min: 0, max: 60_000, integer: true },
  maxRetryDelayMs: { min: 1, max: 600_000, integer: true },
} as const;
