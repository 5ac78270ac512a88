import { DEFAULTS } from "./defaults";
import { emit, type EventSink } from "./events";

export interface LimiterOptions {
  /** Requests in flight at most. Default {@link DEFAULTS.maxConcurrency}. */
  maxConcurrency?: number;
  /** Requests started per second at most; `undefined`: no cap. */
  maxRequestsPerSecond?: number;
  /**
   * On a 429, the allowed rate becomes this factor times the lower of the allowed rate and the rate the
   * API accepted recently. Default {@link DEFAULTS.throttleDecreaseFactor}.
   */
  decreaseFactor?: number;
  /**
   * Requests per second regained per second right after a decrease. Default
   * {@link DEFAULTS.throttleIncreasePerSecond}.
   */
  increasePerSecond?: number;
  /**
   * The regain per second doubles every this many seconds without a 429: gentle just under the limit
   * found, fast after a short storm. Default {@link DEFAULTS.throttleIncreaseDoublingSeconds}.
   */
  increaseDoublingSeconds?: number;
  /** The adaptive rate never goes below this. Default {@link DEFAULTS.minRequestsPerSecond}. */
  minRequestsPerSecond?: number;
  /**
   * 429s within this time after a decrease do not decrease again. Default
   * {@link DEFAULTS.throttleDecreaseCooldownMs}. Independently of it, a 429 to an attempt started before
   * the last decrease never decreases again: it was sent at the old rate.
   */
  decreaseCooldownMs?: number;
  /** Window for measuring the recent accepted and started rates. Default {@link DEFAULTS.rateWindowMs}. */
  rateWindowMs?: number;
  /** Longest pause of all starts after a 429 with `Retry-After`. Default {@link DEFAULTS.maxRetryDelayMs}. */
  maxHoldMs?: number;
  /** Epoch ms. Default `Date.now`. */
  now?: () => number;
  /** Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
  onEvent?: EventSink;
}

export interface LimiterStats {
  inFlight: number;
  queued: number;
  /** Requests per second currently allowed; `undefined`: no limit. */
  currentRate: number | undefined;
  /** 429s reported so far. */
  throttleEvents: number;
}

/** How an attempt ended, reported when its slot is released. */
export type AttemptOutcome = "accepted" | "throttled" | "failed";

/** What a 429 said besides its status. */
export interface ThrottleInfo {
  /** The `Retry-After` of the answer, in ms from now. */
  retryAfterMs?: number;
}

/** A slot: call `release` exactly once (later calls are ignored). */
export interface Permit {
  release(outcome: AttemptOutcome, info?: ThrottleInfo): void;
}

/**
 * The adaptive part of the rate: `rate(t) = min(ceiling, base + growth(t − since))`, where the growth's
 * slope starts at `increasePerSecond` and doubles every `increaseDoublingSeconds`.
 */
interface Throttle {
  base: number;
  since: number;
  /** The rate this throttle grows back to: the cap, or the rate measured before the first 429. */
  ceiling: number;
  /** Whether reaching the ceiling ends the throttle (no cap configured: back to unlimited). */
  uncapped: boolean;
}

const timerSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Shortest span a rate is measured over: a burst of answers in the first milliseconds is not a rate. */
const MIN_MEASURE_SPAN_MS = 1000;

/** Counts events over a sliding window. */
class RateMeter {
  private times: number[] = [];
  private first: number | undefined;

  constructor(private readonly windowMs: number) {}

  record(t: number): void {
    this.first ??= t;
    this.times.push(t);
    this.prune(t);
  }

  /**
   * Events per second over the window ending at `t`; over the time since the first event when shorter
   * than the window, but never less than {@link MIN_MEASURE_SPAN_MS}.
   */
  rate(t: number): number {
    this.prune(t);
    const since = this.first === undefined ? 0 : t - this.first;
    const span = Math.max(Math.min(this.windowMs, MIN_MEASURE_SPAN_MS), Math.min(this.windowMs, since));
    return this.times.length / (span / 1000);
  }

  private prune(t: number): void {
    const from = t - this.windowMs;
    let drop = 0;
    while (drop < this.times.length && this.times[drop]! <= from) drop += 1;
    if (drop > 0) this.times = this.times.slice(drop);
  }
}

/**
 * Per-tenant limiter, shared by every request of a process to that tenant (see `registry.ts`): at most
 * `maxConcurrency` attempts in flight (FIFO queue), starts spaced by `1000 / rate` ms when a rate applies,
 * and an adaptive rate (AIMD):
 *
 * - a 429 multiplies the allowed rate by `decreaseFactor`, starting from the lower of the allowed rate and
 *   the rate the API accepted over the last `rateWindowMs` (under a limit, that is the limit itself), so
 *   the rate settles just under the API's limit instead of halving below it; a 429 decreases only when
 *   its attempt started after the last decrease (a volley of 429s to requests already sent is one
 *   decrease) and `decreaseCooldownMs` after it (a storm lowers the rate step by step, following what
 *   the API still accepts, instead of collapsing it to the minimum);
 * - without a 429 the rate grows again, by `increasePerSecond` per second at first, the slope doubling
 *   every `increaseDoublingSeconds` (gentle just under the limit found, fast after a short storm), up to
 *   `maxRequestsPerSecond`, or, with no cap, up to the rate sent before the first 429, where the limit
 *   is dropped;
 * - a 429 with `Retry-After` also pauses every start until then (at most `maxHoldMs`).
 *
 * A request's first 429 is retried through the limiter like a new request (see `retry-policy.ts`), so the
 * limiter, not each request's backoff, paces the tenant.
 */
export class Limiter {
  readonly maxConcurrency: number;
  private readonly cap: number | undefined;
  private readonly decreaseFactor: number;
  private readonly increasePerSecond: number;
  private readonly doublingSeconds: number;
  private readonly minRate: number;
  private readonly cooldownMs: number;
  private readonly maxHoldMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly onEvent: EventSink | undefined;

  private readonly queue: Array<(permit: Permit) => void> = [];
  private inFlight = 0;
  private lastStartAt: number | undefined;
  private throttle: Throttle | undefined;
  private lastDecreaseAt = Number.NEGATIVE_INFINITY;
  /** No start before this (a `Retry-After`). */
  private holdUntil = Number.NEGATIVE_INFINITY;
  private throttleEvents = 0;
  /** Recent accepted attempts (by end time) and starts. */
  private readonly accepted: RateMeter;
  private readonly started: RateMeter;
  private pumping = false;

  constructor(options: LimiterOptions = {}) {
    this.maxConcurrency = options.maxConcurrency ?? DEFAULTS.maxConcurrency;
    this.cap = options.maxRequestsPerSecond ?? DEFAULTS.maxRequestsPerSecond;
    this.decreaseFactor = options.decreaseFactor ?? DEFAULTS.throttleDecreaseFactor;
    this.increasePerSecond = options.increasePerSecond ?? DEFAULTS.throttleIncreasePerSecond;
    this.doublingSeconds = options.increaseDoublingSeconds ?? DEFAULTS.throttleIncreaseDoublingSeconds;
    this.minRate = options.minRequestsPerSecond ?? DEFAULTS.minRequestsPerSecond;
    this.cooldownMs = options.decreaseCooldownMs ?? DEFAULTS.throttleDecreaseCooldownMs;
    this.maxHoldMs = options.maxHoldMs ?? DEFAULTS.maxRetryDelayMs;
    const windowMs = options.rateWindowMs ?? DEFAULTS.rateWindowMs;
    this.accepted = new RateMeter(windowMs);
    this.started = new RateMeter(windowMs);
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? timerSleep;
    this.onEvent = options.onEvent;
    if (!Number.isInteger(this.maxConcurrency) || this.maxConcurrency < 1) {
      throw new RangeError("maxConcurrency must be a positive integer");
    }
    if (this.cap !== undefined && !(this.cap > 0)) throw new RangeError("maxRequestsPerSecond must be > 0");
    if (!(this.decreaseFactor > 0 && this.decreaseFactor < 1)) {
      throw new RangeError("decreaseFactor must be between 0 and 1");
    }
  }

  /** Waits for a slot (FIFO). */
  acquire(): Promise<Permit> {
    return new Promise<Permit>((resolve) => {
      this.queue.push(resolve);
      this.pump();
    });
  }

  /** Runs `fn` in a slot; its outcome is "accepted" unless it throws ("failed"). */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const permit = await this.acquire();
    try {
      const result = await fn();
      permit.release("accepted");
      return result;
    } catch (err) {
      permit.release("failed");
      throw err;
    }
  }

  /** The requests per second allowed now; `undefined`: no limit. */
  currentRate(): number | undefined {
    const t = this.now();
    const throttle = this.throttle;
    if (!throttle) return this.cap;
    const rate = throttle.base + this.growth((t - throttle.since) / 1000);
    if (rate < throttle.ceiling) return rate;
    if (throttle.uncapped) {
      this.throttle = undefined;
      return undefined;
    }
    return throttle.ceiling;
  }

  /** Requests per second regained `seconds` after a decrease: ∫ increase × 2^(s / doubling) ds. */
  private growth(seconds: number): number {
    if (!(this.doublingSeconds > 0) || !Number.isFinite(this.doublingSeconds)) {
      return this.increasePerSecond * seconds;
    }
    const tau = this.doublingSeconds / Math.LN2;
    return this.increasePerSecond * tau * Math.expm1(seconds / tau);
  }

  stats(): LimiterStats {
    return {
      inFlight: this.inFlight,
      queued: this.queue.length,
      currentRate: this.currentRate(),
      throttleEvents: this.throttleEvents,
    };
  }

  private release(outcome: AttemptOutcome, startedAt: number, info: ThrottleInfo | undefined): void {
    this.inFlight -= 1;
    const t = this.now();
    if (outcome === "accepted") this.accepted.record(t);
    if (outcome === "throttled") this.onThrottled(t, startedAt, info);
    this.pump();
  }

  private onThrottled(t: number, startedAt: number, info: ThrottleInfo | undefined): void {
    this.throttleEvents += 1;
    const retryAfterMs = info?.retryAfterMs;
    if (retryAfterMs !== undefined && retryAfterMs > 0) {
      this.holdUntil = Math.max(this.holdUntil, t + Math.min(retryAfterMs, this.maxHoldMs));
    }
    // Sent before the last decrease (at the old rate), or too soon after it: already accounted for.
    if (startedAt < this.lastDecreaseAt || t - this.lastDecreaseAt < this.cooldownMs) return;
    this.lastDecreaseAt = t;
    const current = this.currentRate();
    const measured = this.accepted.rate(t);
    const from = Math.min(current ?? Number.POSITIVE_INFINITY, measured);
    const cap = this.cap ?? Number.POSITIVE_INFINITY;
    // The minimum rate never lifts the rate above the cap.
    const base = Math.min(cap, Math.max(Math.min(this.minRate, cap), from * this.decreaseFactor));
    let ceiling: number;
    if (this.cap !== undefined) {
      ceiling = this.cap;
    } else {
      // Unlimited before this 429: grow back to the rate we were sending at, then drop the limit. That
      // rate is above the base (the base is a fraction of it); when the minimum rate lifted the base to
      // it or above, a ceiling at the base would end the throttle the moment it begins: no pacing at all.
      const before = this.throttle?.ceiling ?? Math.max(this.started.rate(t), current ?? 0, measured);
      ceiling = Math.max(before, base / this.decreaseFactor);
    }
    this.throttle = { base, since: t, ceiling, uncapped: this.cap === undefined };
    emit(this.onEvent, { type: "throttle", requestsPerSecond: base, throttleEvents: this.throttleEvents });
  }

  private newPermit(startedAt: number): Permit {
    let released = false;
    return {
      release: (outcome, info) => {
        if (released) return;
        released = true;
        this.release(outcome, startedAt, info);
      },
    };
  }

  /** Starts queued waiters while slots are free, spacing starts when a rate applies. One pump at a time. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    void this.drain().finally(() => {
      this.pumping = false;
      if (this.queue.length > 0 && this.inFlight < this.maxConcurrency) this.pump();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && this.inFlight < this.maxConcurrency) {
      const held = this.holdUntil - this.now();
      if (held > 0) {
        await this.wait(held);
        continue;
      }
      const rate = this.currentRate();
      if (rate !== undefined && this.lastStartAt !== undefined) {
        const wait = this.lastStartAt + 1000 / rate - this.now();
        if (wait > 0) {
          await this.wait(wait);
          continue; // the rate may have changed while waiting
        }
      }
      const next = this.queue.shift();
      if (!next) break;
      this.inFlight += 1;
      const t = this.now();
      this.lastStartAt = t;
      this.started.record(t);
      next(this.newPermit(t));
    }
  }

  private async wait(ms: number): Promise<void> {
    try {
      await this.sleep(ms);
    } catch {
      await timerSleep(ms);
    }
  }
}
