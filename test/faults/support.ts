/** Helpers of the fault suite: storms of 429s, counting in the emulator's log, error messages. */
import type { Emulator, RateLimitOptions, RequestLogEntry } from "../../src/emulator";

/**
 * Storms of 429s: every `everyMs` (`count` times), the emulator limits the API to `limit` for `forMs`,
 * then lifts the limit. Returns the function that stops the storms (and lifts the limit).
 */
export function stormsOf429(
  emulator: Emulator,
  opts: { everyMs: number; forMs: number; count: number; limit: RateLimitOptions },
): () => void {
  let calm: NodeJS.Timeout | undefined;
  let storms = 0;
  const storm = setInterval(() => {
    if (++storms >= opts.count) clearInterval(storm);
    emulator.setRateLimit(opts.limit);
    calm = setTimeout(() => emulator.setRateLimit(undefined), opts.forMs);
  }, opts.everyMs);
  return () => {
    clearInterval(storm);
    clearTimeout(calm);
    emulator.setRateLimit(undefined);
  };
}

/** Counts log entries by a key; entries for which `key` answers `undefined` are skipped. */
export function countBy(
  entries: readonly RequestLogEntry[],
  key: (e: RequestLogEntry) => string | undefined,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of entries) {
    const k = key(e);
    if (k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

/** The CAS requests of the log (not admin or OAuth token calls). */
export const casRequests = (emulator: Emulator): RequestLogEntry[] =>
  emulator.requests.filter((r) => r.api === "cas");

/** The message of a rejection, as the engine shows it. */
export const messageOf = (reason: unknown): string =>
  reason instanceof Error ? reason.message : String(reason);
