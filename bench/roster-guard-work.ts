/**
 * The guard's own work on a roster of `n` entries, apart from the engine around it:
 *
 * - in this process, the pure functions (`src/roster`) on the broken export: `readRoster` of the CSV
 *   and `appliedRoster` (what the program does), `parseAppliedRoster` of the new roster,
 *   `countChanges` against the applied one and `changeLimit` + `guardVerdict` (what the guard's
 *   `check` does in the plugin);
 * - the guard's `check` RPC through the real plugin (a process of its own, in the program's directory),
 *   with the old inputs of the state and the new roster, as the engine sends it during `preview`.
 */
import { readFileSync } from "node:fs";
import { startPlugin, type PropertyMap, type ResourceRecord } from "../dev/engine";
import {
  appliedRoster,
  changeLimit,
  countChanges,
  guardVerdict,
  parseAppliedRoster,
  parseMaxChanges,
  readRoster,
  type RosterSource,
} from "../src/roster";
import {
  COLUMNS,
  MAX_CHANGES,
  ROSTER_FILE,
  STATUS_MAP,
  brokenExport,
  exportCsv,
  workers,
} from "./roster-workload";

/** One function's time: its first call in the process, and the median of the next runs. */
export interface Timing {
  firstMs: number;
  medianMs: number;
}

export interface GuardWorkTiming {
  n: number;
  runs: number;
  readRoster: Timing;
  appliedRoster: Timing;
  parseAppliedRoster: Timing;
  countChanges: Timing;
  guardVerdict: Timing;
  /** All five, one after the other. */
  total: Timing;
  /** The verdict refused the broken export (as it must). */
  refused: boolean;
}

export interface GuardCheckTiming {
  /** The first `check` of the guard in a fresh plugin (loads the provider's code). */
  firstMs: number;
  /** The median of the next calls. */
  medianMs: number;
  runs: number;
  /** Bytes of the old and the new `roster` input, each sent in the request. */
  rosterBytes: number;
  /** The check refused the export (as it must). */
  refused: boolean;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function timed<T>(fn: () => T): [T, number] {
  const started = performance.now();
  const value = fn();
  return [value, performance.now() - started];
}

/** Times the pure functions on the broken export of `n` workers, against the roster of the first `up`. */
export function guardWorkInProcess(n: number, runs = 7): GuardWorkTiming {
  const list = workers(n);
  const options = { columns: COLUMNS, statusMap: STATUS_MAP };
  const source = (text: string): RosterSource => ({ kind: "file", path: ROSTER_FILE, text });
  const previous = appliedRoster(readRoster(source(exportCsv(list)), options).entries);
  const text = exportCsv(brokenExport(list).workers);
  const maxChanges = parseMaxChanges(MAX_CHANGES);

  const samples: Record<Exclude<keyof GuardWorkTiming, "n" | "runs" | "refused">, number[]> = {
    readRoster: [],
    appliedRoster: [],
    parseAppliedRoster: [],
    countChanges: [],
    guardVerdict: [],
    total: [],
  };
  let refused = false;
  for (let run = 0; run <= runs; run++) {
    const [roster, readMs] = timed(() => readRoster(source(text), options));
    const [applied, appliedMs] = timed(() => appliedRoster(roster.entries));
    const [next, parseMs] = timed(() =>
      [...parseAppliedRoster(applied)].map(([key, status]) => ({ key, email: key, status })),
    );
    const [changes, countMs] = timed(() => countChanges(previous, next));
    const [verdict, verdictMs] = timed(() =>
      guardVerdict({
        changes,
        limit: changeLimit(maxChanges, changes.previousSize, changes.nextSize),
        maxChanges,
        roster: `'staff' (${ROSTER_FILE})`,
      }),
    );
    refused = !verdict.allowed;
    samples.readRoster.push(readMs);
    samples.appliedRoster.push(appliedMs);
    samples.parseAppliedRoster.push(parseMs);
    samples.countChanges.push(countMs);
    samples.guardVerdict.push(verdictMs);
    samples.total.push(readMs + appliedMs + parseMs + countMs + verdictMs);
  }
  const timing = (xs: number[]): Timing => ({ firstMs: xs[0]!, medianMs: median(xs.slice(1)) });
  return {
    n,
    runs,
    readRoster: timing(samples.readRoster),
    appliedRoster: timing(samples.appliedRoster),
    parseAppliedRoster: timing(samples.parseAppliedRoster),
    countChanges: timing(samples.countChanges),
    guardVerdict: timing(samples.guardVerdict),
    total: timing(samples.total),
    refused,
  };
}

/**
 * The guard's `check` through a fresh plugin started in the program's directory: olds are the guard's
 * inputs in the state, news the roster of the CSV now at `csvPath`, as the program would register it.
 */
export async function guardPluginCheck(o: {
  dir: string;
  env: NodeJS.ProcessEnv;
  /** The guard's record in the state after the first `up`. */
  guard: ResourceRecord;
  csvPath: string;
  config?: Record<string, string>;
  runs?: number;
}): Promise<GuardCheckTiming> {
  const runs = o.runs ?? 5;
  const olds = o.guard.inputs;
  const roster = readRoster(
    { kind: "file", path: ROSTER_FILE, text: readFileSync(o.csvPath, "utf8") },
    { columns: COLUMNS, statusMap: STATUS_MAP },
  );
  const news: PropertyMap = {
    roster: appliedRoster(roster.entries),
    maxChanges: olds.maxChanges as unknown,
    label: olds.label as unknown,
    __provider: olds.__provider as unknown,
  };
  const plugin = await startPlugin({ cwd: o.dir, env: o.env, project: "roster-bench", stack: "dev" });
  try {
    await plugin.configure(o.config ?? {});
    const samples: number[] = [];
    let refused = true;
    for (let run = 0; run <= runs; run++) {
      const started = performance.now();
      const result = await plugin.check(o.guard.urn, olds, news);
      samples.push(performance.now() - started);
      refused &&= result.failures.some((f) => /more than the limit/.test(f.reason));
    }
    return {
      firstMs: samples[0]!,
      medianMs: median(samples.slice(1)),
      runs,
      rosterBytes: String(news.roster).length,
      refused,
    };
  } finally {
    await plugin.stop();
  }
}
