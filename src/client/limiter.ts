import { DEFAULTS } from "./defaults";
import { emit, type EventSink } from "./events";

export interface LimiterOptions {
  /** Requests in flight at most. Default {@link DEFAULTS.maxConcurrency}. */
  maxConcurrency?: number;
  /** Requests started per second at most; `undefined`: no cap. */
  maxRequestsPerSecond?: number;
  /** Factor applied to the allowed rate on a 429. Default 0.5. */
  decreaseFactor?: number;
  /** Requests per second regained per second without a 429. Default 1. */
  increasePerSecond?: number;
  /** The adaptive rate never goes below this. Default 0.5. */
  minRequestsPerSecond?: number;
  /** 429s within this time after a decrease do not decrease again. Default 1000. */
  decreaseCooldownMs?: number;
  /** Window for measuring the recent accepted rate. Default 2000. */
  rateWindowMs?: number;
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

/** A slot: call `release` exactly once (later calls are ignored). */
export interface Permit {
  release(outcome: AttemptOutcome): void;
}

/** The adaptive part of the rate: `rate(t) = min(ceiling, base + increase × (t − since))`. */
interface Throttle {
  base: number;
  since: number;
  /** The rate this throttle grows back to: the cap, or the rate measured before the first 429. */
  ceiling: number;
  /** Whether reaching the ceiling ends the throttle (no cap configured: back to unlimited). */
  uncapped: boolean;
}

const timerSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Counts events over a sliding window. */
class RateMeter {
  private times: number[] = [];

  constructor(private readonly windowMs: number) {}

  record(t: number): void {
    this.times.push(t);
    this.prune(t);
  }

  /** Events per second over the window ending at `t`. */
  rate(t: number): number {
    this.prune(t);
    return this.times.length / (this.windowMs / 1000);
  }

  private prune(t: number): void {
    const from = t - this.windowMs;
    let drop = 0;
    while (drop < this.times.length && this.times[drop] <= from) drop += 1;
    if (drop > 0) this.times = this.times.slice(drop);
  }
}

/**
 * Per-tenant limiter: at most `maxConcurrency` attempts in flight (FIFO queue), starts spaced by
 * `1000 / rate` ms when a rate applies, and an adaptive rate (AIMD): a 429 multiplies the allowed rate by
 * `decreaseFactor` (starting from the recent accepted rate when none was set), then every second
 * without a 429 adds `increasePerSecond`, up to `maxRequestsPerSecond` or back to unlimited.
 */
export class Limiter {
  readonly maxConcurrency: number;
  private readonly cap: number | undefined;
  private readonly decreaseFactor: number;
  private readonly increasePerSecond: number;
  private readonly minRate: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly onEvent: EventSink | undefined;

  private readonly queue: Array<(permit: Permit) => void> = [];
  private inFlight = 0;
  private lastStartAt: number | undefined;
  private throttle: Throttle | undefined;
  private lastDecreaseAt = Number.NEGATIVE_INFINITY;
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
    this.minRate = options.minRequestsPerSecond ?? DEFAULTS.minRequestsPerSecond;
    this.cooldownMs = options.decreaseCooldownMs ?? DEFAULTS.throttleDecreaseCooldownMs;
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
    const rate = throttle.base + (this.increasePerSecond * (t - throttle.since)) / 1000;
    if (rate < throttle.ceiling) return rate;
    if (throttle.uncapped) {
      this.throttle = undefined;
      return undefined;
    }
    return throttle.ceiling;
  }

  stats(): LimiterStats {
    return {
      inFlight: this.inFlight,
      queued: this.queue.length,
      currentRate: this.currentRate(),
      throttleEvents: this.throttleEvents,
    };
  }

  private release(outcome: AttemptOutcome): void {
    this.inFlight -= 1;
    const t = this.now();
    if (outcome === "accepted") this.accepted.record(t);
    if (outcome === "throttled") this.onThrottled(t);
    this.pump();
  }

  private onThrottled(t: number): void {
    this.throttleEvents += 1;
    if (t - this.lastDecreaseAt < this.cooldownMs) return;
    this.lastDecreaseAt = t;
    const current = this.currentRate();
    const from = current ?? Math.max(this.accepted.rate(t), this.minRate);
    const base = Math.max(this.minRate, from * this.decreaseFactor);
    // Unlimited before this 429: grow back to the rate we were sending at, then drop the limit.
    const ceiling = this.throttle?.ceiling ?? this.cap ?? Math.max(this.started.rate(t), from);
    this.throttle = { base, since: t, ceiling, uncapped: this.cap === undefined };
    emit(this.onEvent, { type: "throttle", requestsPerSecond: base, throttleEvents: this.throttleEvents });
  }

  private newPermit(): Permit {
    let released = false;
    return {
      release: (outcome) => {
        if (released) return;
        released = true;
        this.release(outcome);
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
      this.lastStartAt = this.now();
      this.started.record(this.lastStartAt);
      next(this.newPermit());
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
