import { DEFAULTS } from "./defaults";
import { emit, type EventSink } from "./events";

/** Exponential backoff with full jitter. */
export interface BackoffOptions {
  minRetryDelayMs: number;
  maxRetryDelayMs: number;
  backoffFactor: number;
  /** Uniform in [0, 1). Default `Math.random`. */
  random: () => number;
}

/** The delay before retry number `retry` (1-based): uniform in [min, min(max, min × factor^retry)]. */
export function backoffDelayMs(retry: number, o: BackoffOptions): number {
  const ceiling = Math.min(o.maxRetryDelayMs, o.minRetryDelayMs * o.backoffFactor ** retry);
  return Math.round(o.minRetryDelayMs + o.random() * Math.max(0, ceiling - o.minRetryDelayMs));
}

/**
 * The delay before a request's 429 number `retry` (1-based) is retried: uniform in the upper half of
 * the same ceiling, [max(min, ceiling / 2), ceiling] ("equal jitter"). Full jitter can draw the minimum
 * every time, and a request caught in a burst of 429s would then use up its retries within the burst;
 * with equal jitter its waits grow for sure, so it outlasts the burst.
 */
export function throttledBackoffDelayMs(retry: number, o: BackoffOptions): number {
  const ceiling = Math.min(o.maxRetryDelayMs, o.minRetryDelayMs * o.backoffFactor ** retry);
  const floor = Math.min(ceiling, Math.max(o.minRetryDelayMs, ceiling / 2));
  return Math.round(floor + o.random() * Math.max(0, ceiling - floor));
}

/** A `Retry-After` value (delay-seconds or HTTP-date) in ms from `nowMs`, or `undefined` when absent or unreadable. */
export function parseRetryAfterMs(value: string | string[] | undefined, nowMs: number): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === "") return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(raw)) return Math.round(Number(raw) * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

export interface RetryPolicyOptions extends BackoffOptions {
  /**
   * Retries of one request after failures (5xx answers, dropped connections, timeouts), and as many
   * again after 429 answers: a storm of 429s does not use up the retries a request has for failures.
   */
  maxRetries: number;
  methods: readonly string[];
  statusCodes: readonly number[];
  errorCodes: readonly string[];
  /** Lower retry limits for some error codes. */
  retryLimitByErrorCode: Readonly<Record<string, number>>;
  /**
   * A limiter paces every attempt, lowers its rate on a 429 and holds every start for a `Retry-After`:
   * a request's first 429 (and any 429 whose `Retry-After` is at least the backoff) is retried without
   * a delay of its own, it queues for the limiter like a new request; a request throttled again backs
   * off ({@link throttledBackoffDelayMs}), so a storm of 429s does not use up its retries within
   * seconds. Default `false`: every 429 waits its `Retry-After` or a backoff, whichever is longer.
   */
  throttledRetriesPaced?: boolean;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  onEvent?: EventSink;
}

/** The defaults of {@link RetryPolicyOptions} not tied to a clock. */
export function defaultRetryPolicyOptions(
  overrides: Partial<RetryPolicyOptions> & Pick<RetryPolicyOptions, "sleep" | "now">,
): RetryPolicyOptions {
  return {
    maxRetries: DEFAULTS.maxRetries,
    minRetryDelayMs: DEFAULTS.minRetryDelayMs,
    maxRetryDelayMs: DEFAULTS.maxRetryDelayMs,
    backoffFactor: DEFAULTS.backoffFactor,
    random: Math.random,
    // Every attempt is a whole new request (never resumed). Lookup and search read, a status PUT is
    // idempotent, a sync can run twice: all safe to repeat.
    methods: ["GET", "POST", "PUT"],
    statusCodes: DEFAULTS.retryStatusCodes,
    errorCodes: DEFAULTS.retryErrorCodes,
    retryLimitByErrorCode: DEFAULTS.retryLimitByErrorCode,
    ...overrides,
  };
}

/** The failed attempts of one request so far, by kind; each kind has its own retry budget. */
export interface RetryCounts {
  /** 5xx answers and connection failures (dropped, reset, refused, timed out). */
  failures: number;
  /** 429 answers. */
  throttled: number;
}

export interface RetryDecision {
  delayMs: number;
  /** The status (`"503"`) or error code (`"ECONNRESET"`). */
  reason: string;
  /** The delay comes from a `Retry-After` header (or the limiter holds for it). */
  retryAfter: boolean;
}

/** A failed attempt: an answer's status and headers, or a connection error's code. */
export interface FailedAttempt {
  statusCode?: unknown;
  code?: unknown;
  headers?: Record<string, string | string[] | undefined>;
}

/**
 * Whether to retry a request whose attempt just failed with `err`, and after how long. `before`: the
 * failed attempts before this one. A 429 counts against the throttled budget, anything else against
 * the failure budget (both `maxRetries`, the latter lowered for some error codes).
 */
export function decideRetry(
  err: FailedAttempt,
  method: string,
  before: RetryCounts,
  o: RetryPolicyOptions,
): RetryDecision | undefined {
  if (!o.methods.includes(method)) return undefined;
  const throttled = err.statusCode === 429;
  let reason: string;
  let limit = o.maxRetries;
  if (typeof err.statusCode === "number") {
    if (!o.statusCodes.includes(err.statusCode)) return undefined;
    reason = String(err.statusCode);
  } else if (typeof err.code === "string" && o.errorCodes.includes(err.code)) {
    reason = err.code;
    limit = Math.min(limit, o.retryLimitByErrorCode[err.code] ?? limit);
  } else {
    return undefined;
  }
  // This failure's rank in its budget (1 for the first).
  const rank = (throttled ? before.throttled : before.failures) + 1;
  if (rank > limit) return undefined;
  const backoffMs = throttled ? throttledBackoffDelayMs(rank, o) : backoffDelayMs(rank, o);
  const retryAfterMs = parseRetryAfterMs(err.headers?.["retry-after"], o.now());
  if (throttled && o.throttledRetriesPaced) {
    // The limiter spaces the retry like any other start, and holds every start for a Retry-After; a
    // Retry-After shorter than the backoff (`0`) does not make a repeated 429 come back at once.
    if (retryAfterMs !== undefined && retryAfterMs >= backoffMs) {
      return { delayMs: 0, reason, retryAfter: true };
    }
    if (rank === 1) return { delayMs: 0, reason, retryAfter: false };
  }
  if (retryAfterMs !== undefined) {
    // Never sooner than the backoff: `Retry-After: 0` must not burn the retries in milliseconds.
    return {
      delayMs: Math.min(Math.max(retryAfterMs, backoffMs), o.maxRetryDelayMs),
      reason,
      retryAfter: retryAfterMs >= backoffMs,
    };
  }
  return { delayMs: backoffMs, reason, retryAfter: false };
}

/** Counts `err` into `counts` (after {@link decideRetry} has seen the counts before it). */
export function countFailure(counts: RetryCounts, err: FailedAttempt): void {
  if (err.statusCode === 429) counts.throttled += 1;
  else counts.failures += 1;
}

/**
 * Decides on a failed attempt, and when it is retried, reports the retry and waits its delay with the
 * injected `sleep`. Returns whether to retry. `counts` are updated.
 */
export async function retryAfterFailure(
  err: FailedAttempt,
  method: string,
  counts: RetryCounts,
  o: RetryPolicyOptions,
  operation: string,
): Promise<boolean> {
  const decision = decideRetry(err, method, counts, o);
  countFailure(counts, err);
  if (!decision) return false;
  emit(o.onEvent, {
    type: "retry",
    operation,
    attempt: counts.failures + counts.throttled + 1,
    delayMs: decision.delayMs,
    reason: decision.reason,
    retryAfter: decision.retryAfter,
  });
  await o.sleep(decision.delayMs);
  return true;
}
