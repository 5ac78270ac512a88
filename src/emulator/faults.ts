/** Rate limiting (token bucket) and fault injection (seeded PRNG): what decides a request's fate. */
import type { FaultOptions, Operation, RateLimitOptions } from "./types";

/** Operations rate-limited and faulted unless the options list others. */
export const API_OPERATIONS: readonly Operation[] = ["lookup", "search", "setStatus", "sync", "nexusSync"];

/** mulberry32: a small deterministic PRNG giving numbers in [0, 1). */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly operations: ReadonlySet<Operation>;

  constructor(
    readonly options: RateLimitOptions,
    now: number,
  ) {
    this.tokens = Math.max(1, options.burst);
    this.last = now;
    this.operations = new Set(options.operations ?? API_OPERATIONS);
  }

  applies(operation: Operation): boolean {
    return this.operations.has(operation);
  }

  /** Takes one token; false when the bucket is empty (the request is over the limit). */
  take(now: number): boolean {
    const capacity = Math.max(1, this.options.burst);
    this.tokens = Math.min(
      capacity,
      this.tokens + (Math.max(0, now - this.last) / 1000) * this.options.requestsPerSecond,
    );
    this.last = Math.max(this.last, now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export type GarbageKind = NonNullable<FaultOptions["garbageKind"]>;

export type Fault =
  | { kind: "none" }
  | { kind: "hang" }
  | { kind: "error"; status: 500 | 502 | 503 | 504; html: boolean }
  | { kind: "drop" }
  | { kind: "cut" }
  | { kind: "garbage"; garbage: GarbageKind };

const ERROR_STATUSES = [500, 502, 503, 504] as const;
const GARBAGE_KINDS: readonly GarbageKind[] = ["invalid-json", "wrong-types", "html"];

/** The log label of a fault. */
export function faultLabel(fault: Fault): string | undefined {
  switch (fault.kind) {
    case "none":
      return undefined;
    case "hang":
      return "hang";
    case "drop":
      return "drop-after-apply";
    case "cut":
      return "cut-after-apply";
    case "error":
      return `error-${fault.status}${fault.html ? "-html" : ""}`;
    case "garbage":
      return `garbage-${fault.garbage}`;
  }
}

export class FaultInjector {
  private readonly random: () => number;
  private readonly operations: ReadonlySet<Operation>;

  constructor(readonly options: FaultOptions) {
    this.random = prng(options.seed ?? Math.floor(Math.random() * 2 ** 32));
    this.operations = new Set(options.operations ?? API_OPERATIONS);
  }

  /** Draws the fault of one request: the rates partition [0, 1) in the order error, drop, garbage, cut. */
  decide(operation: Operation): Fault {
    if (!this.operations.has(operation)) return { kind: "none" };
    if (this.options.hang) return { kind: "hang" };
    const { errorRate = 0, dropAfterApplyRate = 0, garbageRate = 0, cutAfterApplyRate = 0 } = this.options;
    const draw = this.random();
    if (draw < errorRate) {
      const status = ERROR_STATUSES[Math.floor(this.random() * ERROR_STATUSES.length)]!;
      const html = (status === 502 || status === 503) && this.random() < 0.5;
      return { kind: "error", status, html };
    }
    if (draw < errorRate + dropAfterApplyRate) return { kind: "drop" };
    if (draw < errorRate + dropAfterApplyRate + garbageRate) {
      const garbage =
        this.options.garbageKind ?? GARBAGE_KINDS[Math.floor(this.random() * GARBAGE_KINDS.length)]!;
      return { kind: "garbage", garbage };
    }
    if (draw < errorRate + dropAfterApplyRate + garbageRate + cutAfterApplyRate) return { kind: "cut" };
    return { kind: "none" };
  }
}
