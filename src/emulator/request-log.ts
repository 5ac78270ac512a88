/** The request log and the counters behind `stats()`; admin requests are logged but not counted. */
import type { EmulatorStats, RequestLogEntry } from "./types";

export class RequestLog {
  readonly entries: RequestLogEntry[] = [];
  private seq = 0;
  private inFlight = 0;
  private counters = this.fresh();

  private fresh() {
    return {
      requests: 0,
      writes: 0,
      byOperation: {} as Record<string, number>,
      status429: 0,
      tokensIssued: 0,
      tokens: new Set<string>(),
      maxInFlight: this.inFlight,
    };
  }

  nextSeq(): number {
    return ++this.seq;
  }

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    if (entry.api === "admin") return;
    const c = this.counters;
    c.requests += 1;
    if (entry.write) c.writes += 1;
    c.byOperation[entry.operation] = (c.byOperation[entry.operation] ?? 0) + 1;
    if (entry.status === 429) c.status429 += 1;
    if (entry.api === "cas" && entry.tokenId) c.tokens.add(entry.tokenId);
  }

  tokenIssued(): void {
    this.counters.tokensIssued += 1;
  }

  /** Marks a request as started; returns the function that marks it finished (call once). */
  enter(): () => void {
    this.inFlight += 1;
    this.counters.maxInFlight = Math.max(this.counters.maxInFlight, this.inFlight);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.inFlight -= 1;
    };
  }

  clear(): void {
    this.entries.length = 0;
    this.counters = this.fresh();
  }

  stats(): EmulatorStats {
    const { tokens, byOperation, ...rest } = this.counters;
    return { ...rest, byOperation: { ...byOperation }, distinctTokens: tokens.size };
  }
}
