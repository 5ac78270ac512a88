/** Formats the roster scenario's figures as plain-text tables, like the other scenarios'. */
import type { RosterRun, RosterStep } from "./roster";
import type { GuardWorkTiming, Timing } from "./roster-guard-work";
import { MAX_CHANGES } from "./roster-workload";

/** Time and memory may grow at most this much from the small roster to the large one (10× the entries). */
export const GROWTH_TARGET = 12;
/** The guard's own work at the large size. */
export const GUARD_TARGET_MS = 1000;

type Cell = string | number | undefined;

const count = (n: number) => n.toLocaleString("en-US");
const seconds = (ms: number) =>
  ms >= 100_000 ? `${(ms / 1000).toFixed(0)} s` : `${(ms / 1000).toFixed(1)} s`;
const millis = (ms: number) => (ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`);
const mb = (bytes: number | undefined) =>
  bytes === undefined ? undefined : `${Math.round(bytes / 2 ** 20)} MB`;
const met = (ok: boolean) => (ok ? "met" : "NOT met");

/** Rows of cells, the first column left-aligned, the others right-aligned, an optional note last. */
function grid(header: string[], rows: { cells: Cell[]; note?: string }[]): string[] {
  const text = (c: Cell) => (c === undefined ? "-" : String(c));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => text(r.cells[i]).length)));
  const line = (cells: string[], note?: string) =>
    `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")}${note ? `  ${note}` : ""}`;
  return [line(header), ...rows.map((r) => line(r.cells.map(text), r.note))];
}

/** `lookup 10000, setStatus 1000`, or `0`. */
function requests(step: RosterStep): string {
  const ops = Object.entries(step.requests).sort(([a], [b]) => a.localeCompare(b));
  if (ops.length === 0) return "0";
  return ops.map(([op, n]) => `${op} ${n}`).join(", ");
}

/** `10003 create`, `2 same`. */
function steps(step: RosterStep): string {
  const ops = Object.entries(step.counts).filter(([, n]) => (n ?? 0) > 0);
  return ops.length === 0 ? "0" : ops.map(([op, n]) => `${n} ${op}`).join(", ");
}

function ratio(large: number | undefined, small: number | undefined): number | undefined {
  return large === undefined || small === undefined || small === 0 ? undefined : large / small;
}

const times = (x: number | undefined) => (x === undefined ? undefined : `${x.toFixed(2)}×`);

/** The three steps at both sizes, with the ratios of time and memory. */
export function reportRoster(small: RosterRun, large: RosterRun): string[] {
  const head = [
    "",
    `${count(small.n)} entries`,
    `${count(large.n)} entries`,
    `${count(large.n)} ÷ ${count(small.n)}`,
  ];
  const rows: { cells: Cell[]; note?: string }[] = [];
  const growth = (x: number | undefined) =>
    x === undefined ? undefined : `target ≤ ${GROWTH_TARGET}×: ${met(x <= GROWTH_TARGET)}`;
  let worst = 0;
  for (let i = 0; i < small.steps.length; i++) {
    const s = small.steps[i]!;
    const l = large.steps[i]!;
    const time = ratio(l.wallMs, s.wallMs);
    const memory = ratio(l.pluginPeakRssBytes, s.pluginPeakRssBytes);
    const programMemory = ratio(l.programPeakRssBytes, s.programPeakRssBytes);
    worst = Math.max(worst, time ?? 0, memory ?? 0);
    const zero = s.expect === "guard" || i > 0;
    rows.push(
      {
        cells: [`${s.label}: wall time`, seconds(s.wallMs), seconds(l.wallMs), times(time)],
        note: growth(time),
      },
      {
        cells: [`${s.label}: requests to CAS`, requests(s), requests(l), undefined],
        note: zero ? `target 0: ${met(s.totalRequests === 0 && l.totalRequests === 0)}` : undefined,
      },
      { cells: [`${s.label}: steps`, steps(s), steps(l), undefined] },
      {
        cells: [
          `${s.label}: plugin peak RSS`,
          mb(s.pluginPeakRssBytes),
          mb(l.pluginPeakRssBytes),
          times(memory),
        ],
        note: growth(memory),
      },
      {
        cells: [
          `${s.label}: program peak RSS`,
          mb(s.programPeakRssBytes),
          mb(l.programPeakRssBytes),
          times(programMemory),
        ],
        note: programMemory === undefined ? undefined : "the program's process (the Pulumi SDK)",
      },
    );
  }
  rows.push(
    {
      cells: ["users in the wrong status after the first up", small.mismatches, large.mismatches, undefined],
    },
    {
      cells: [
        "guard check RPC through the plugin (median)",
        millis(small.guardCheck.medianMs),
        millis(large.guardCheck.medianMs),
        times(ratio(large.guardCheck.medianMs, small.guardCheck.medianMs)),
      ],
      note: `target < ${GUARD_TARGET_MS / 1000} s at ${count(large.n)}: ${met(large.guardCheck.medianMs < GUARD_TARGET_MS && large.guardCheck.firstMs < GUARD_TARGET_MS)}`,
    },
    {
      cells: [
        "guard check RPC, first in a fresh plugin",
        millis(small.guardCheck.firstMs),
        millis(large.guardCheck.firstMs),
        undefined,
      ],
      note: "loads the provider's code",
    },
  );
  const refusal = large.steps[2]?.error?.split("\n")[0]?.replace(/^.*has a problem: /, "");
  return [
    `R. A CSV roster (HR export: 7 columns, quoted managers, a statusMap of 3 values, maxChanges "${MAX_CHANGES}") ` +
      `through the plugin, no rate limit, no latency:`,
    `   1. first up (securid:confirmChanges = the entry count; ${count(small.writes)} and ${count(large.writes)} users need a write),`,
    `   2. no-op up, 3. an export changing ${count(small.changed)} and ${count(large.changed)} entries (10 %), then preview`,
    ...grid(head, rows),
    `  every step: wall time ${worst <= GROWTH_TARGET ? "and memory grow at most" : "or memory grows more than"} ` +
      `${GROWTH_TARGET}× for ${Math.round(large.n / small.n)}× the entries (worst ${worst.toFixed(2)}×)`,
    ...(refusal ? [`  the preview's refusal at ${count(large.n)}: ${refusal}`] : []),
  ];
}

function timingCells(t: Timing): string[] {
  return [millis(t.firstMs), millis(t.medianMs)];
}

/** The guard's pure functions, in this process. */
export function reportGuardWork(t: GuardWorkTiming, guardCheck?: RosterRun["guardCheck"]): string[] {
  const rows: { cells: Cell[]; note?: string }[] = [
    {
      cells: ["readRoster (CSV → entries, validated)", ...timingCells(t.readRoster)],
      note: "in the program",
    },
    {
      cells: ["appliedRoster (entries → sorted text)", ...timingCells(t.appliedRoster)],
      note: "in the program",
    },
    {
      cells: ["parseAppliedRoster (the new roster)", ...timingCells(t.parseAppliedRoster)],
      note: "in the guard's check",
    },
    {
      cells: ["countChanges (against the applied roster)", ...timingCells(t.countChanges)],
      note: "in the guard's check",
    },
    { cells: ["changeLimit + guardVerdict", ...timingCells(t.guardVerdict)], note: "in the guard's check" },
    {
      cells: ["all five", ...timingCells(t.total)],
      note: `target < ${GUARD_TARGET_MS / 1000} s: ${met(t.total.firstMs < GUARD_TARGET_MS && t.total.medianMs < GUARD_TARGET_MS)}`,
    },
  ];
  return [
    `R. The guard's own work on the ${count(t.n)}-entry export, in this process (first call, median of the next ${t.runs}); ` +
      `the export was ${t.refused ? "refused" : "NOT refused"}`,
    ...grid(["", "first", "median"], rows),
    ...(guardCheck
      ? [
          `  the same check through the plugin (gRPC, two ${Math.round(guardCheck.rosterBytes / 1024)} KB rosters in the ` +
            `request): ${millis(guardCheck.medianMs)} (median of ${guardCheck.runs}), ${millis(guardCheck.firstMs)} ` +
            `the first in a fresh plugin; ${guardCheck.refused ? "refused" : "NOT refused"}`,
        ]
      : []),
  ];
}
