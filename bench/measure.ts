/** What one run of a scenario measured, from the emulator's request log and the wall clock. */
import type { RemoteEmulator } from "./remote-emulator";

export interface Measurement {
  wallMs: number;
  /** CAS requests the emulator received (retries included). */
  requests: number;
  /** 429 answers. */
  throttled: number;
  /** Requests the API accepted: every answer but 429. */
  accepted: number;
  /** Requests sent beyond the calls needed (`requests − needed`). */
  retries: number;
  /** Operations (resources or users) that failed. */
  failures: number;
  /** Most requests the emulator had in flight at once. */
  maxInFlight: number;
  /** Distinct bearer tokens seen. */
  tokens: number;
  /** Mean real time from a request's arrival at the emulator to its answer, ms. */
  serverMs: number;
  /** Requests in flight at the emulator on average: Σ (arrival → answer) ÷ wall time. */
  avgInFlight: number;
  /** Per second of the run: [accepted, 429] answers, by arrival at the emulator. */
  perSecond: [number, number][];
  /** Users left in a status other than the declared one (`undefined`: not checked). */
  mismatches?: number;
  errors: string[];
}

/** Times `action` and reads the emulator's counters for it (the log is cleared first). */
export async function measure(
  emulator: RemoteEmulator,
  needed: number,
  action: () => Promise<{ failed: number; errors: string[] }>,
): Promise<Measurement> {
  await emulator.clearRequests();
  const startedAt = Date.now();
  const started = performance.now();
  const outcome = await action();
  const wallMs = performance.now() - started;
  const { stats, requests } = await emulator.snapshot();
  const cas = stats.requests - (stats.byOperation.token ?? 0);
  const casLog = requests.filter((r) => r.api === "cas");
  const busyMs = casLog.reduce((sum, r) => sum + (r.durationMs ?? 0), 0);
  const perSecond: [number, number][] = [];
  for (const r of casLog) {
    const second = Math.max(0, Math.floor((r.time - startedAt) / 1000));
    while (perSecond.length <= second) perSecond.push([0, 0]);
    perSecond[second]![r.status === 429 ? 1 : 0] += 1;
  }
  return {
    wallMs,
    requests: cas,
    throttled: stats.status429,
    accepted: cas - stats.status429,
    retries: Math.max(0, cas - needed),
    failures: outcome.failed,
    maxInFlight: stats.maxInFlight,
    tokens: stats.distinctTokens,
    serverMs: cas > 0 ? busyMs / cas : 0,
    avgInFlight: busyMs / wallMs,
    perSecond,
    errors: outcome.errors,
  };
}
