import type { RetryHandler } from "undici";
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

/** A `Retry-After` value (delay-seconds or HTTP-date) in ms from `nowMs`, or `undefined` when absent or unreadable. */
export function parseRetryAfterMs(value: string | string[] | undefined, nowMs: number): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === "") return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(raw)) return Math.round(Number(raw) * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

export interface RetryPolicyOptions extends BackoffOptions {
  /** Retries after the first attempt. */
  maxRetries: number;
  methods: readonly string[];
  statusCodes: readonly number[];
  errorCodes: readonly string[];
  /** Lower retry limits for some error codes. */
  retryLimitByErrorCode: Readonly<Record<string, number>>;
  /**
   * A limiter paces every attempt, lowers its rate on a 429 and holds every start for a `Retry-After`:
   * a request's first 429 (and any 429 with `Retry-After`) is retried without a delay of its own, it
   * queues for the limiter like a new request; a request throttled again backs off like for a 5xx, so a
   * long storm of 429s does not use up its retries within seconds. Default `false`: every 429 waits its
   * `Retry-After` or a backoff.
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
    // All our calls are safe to repeat: lookup and search read, a status PUT is idempotent, a sync can run twice.
    methods: ["GET", "POST", "PUT"],
    statusCodes: DEFAULTS.retryStatusCodes,
    errorCodes: DEFAULTS.retryErrorCodes,
    retryLimitByErrorCode: DEFAULTS.retryLimitByErrorCode,
    ...overrides,
  };
}

/** What one request went through, filled in by its retry policy. */
export interface RetryTally {
  /** Retries made (attempts = retries + 1). */
  retries: number;
  /** 429 answers among its attempts. */
  throttled?: number;
}

interface Decision {
  delayMs: number;
  reason: string;
  retryAfter: boolean;
}

interface FailedAttempt {
  statusCode?: unknown;
  code?: unknown;
  headers?: Record<string, string | string[] | undefined>;
}

/**
 * Whether to retry after `failed` failed attempts, and after how long. `throttledBefore`: 429s the
 * request received before this attempt.
 */
export function decideRetry(
  err: FailedAttempt,
  method: string,
  failed: number,
  o: RetryPolicyOptions,
  throttledBefore = 0,
): Decision | undefined {
  if (!o.methods.includes(method)) return undefined;
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
  if (failed > limit) return undefined;
  const retryAfterMs = parseRetryAfterMs(err.headers?.["retry-after"], o.now());
  if (
    err.statusCode === 429 &&
    o.throttledRetriesPaced &&
    (retryAfterMs !== undefined || throttledBefore === 0)
  ) {
    // The limiter spaces the retry (and holds it for a Retry-After) like any other start.
    return { delayMs: 0, reason, retryAfter: retryAfterMs !== undefined };
  }
  if (retryAfterMs !== undefined) {
    return { delayMs: Math.min(retryAfterMs, o.maxRetryDelayMs), reason, retryAfter: true };
  }
  return { delayMs: backoffDelayMs(failed, o), reason, retryAfter: false };
}

/**
 * A `retry` callback for undici's retry handler (`retryOptions.retry`), bound to one request: it
 * counts the retries in `tally`, waits with the injected `sleep` and reports each retry.
 */
export function retryCallback(
  o: RetryPolicyOptions,
  tally: RetryTally,
  operation: string,
): RetryHandler.RetryCallback {
  return (err, { state, opts }, done) => {
    const failed = err as FailedAttempt;
    const decision = decideRetry(failed, opts.method, state.counter, o, tally.throttled ?? 0);
    if (failed.statusCode === 429) tally.throttled = (tally.throttled ?? 0) + 1;
    if (!decision) {
      done(err);
      return;
    }
    tally.retries += 1;
    emit(o.onEvent, {
      type: "retry",
      operation,
      attempt: state.counter + 1,
      delayMs: decision.delayMs,
      reason: decision.reason,
      retryAfter: decision.retryAfter,
    });
    o.sleep(decision.delayMs).then(
      () => done(null),
      (sleepErr: unknown) => done(sleepErr instanceof Error ? sleepErr : new Error(String(sleepErr))),
    );
  };
}
