/**
 * The roster scenario: a program declaring `new Roster("staff", { file: "roster.csv", ... maxChanges: "5%" })`
 * over an HR export of `n` workers, run by the engine stand-in (`ProgramStack`: the real SDK runs the
 * compiled program of the installed package, the real dynamic-provider plugin runs its resources)
 * against the emulator in a worker thread, with no rate limit and no latency:
 *
 *   1. the first `up` (stack config securid:confirmChanges = n: the first update counts every entry),
 *   2. a no-op `up` (must send 0 requests),
 *   3. a broken export that changes 10 % of the entries, then `preview` (must fail on the guard, 0 requests).
 *
 * Each step reports its wall time, the requests to CAS by operation, the steps, and the plugin
 * process's peak RSS (VmHWM).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ProgramStack, type CountedOp, type InstalledProgram, type OperationResult } from "../dev/engine";
import { RemoteEmulator } from "./remote-emulator";
import { guardPluginCheck, type GuardCheckTiming } from "./roster-guard-work";
import {
  COLUMNS,
  MAX_CHANGES,
  ROSTER_FILE,
  STATUS_MAP,
  brokenExport,
  desired,
  exportCsv,
  seedUsers,
  workers,
  writesNeeded,
} from "./roster-workload";

export const GUARD_NAME = "staff-guard";

/** What one step of the scenario measured. */
export interface RosterStep {
  label: string;
  /** The operation succeeded (the CLI's exit code 0). */
  ok: boolean;
  /** What the step must do: succeed, or fail on the guard. */
  expect: "ok" | "guard";
  wallMs: number;
  /** Requests the emulator received (OAuth and admin calls aside), by operation. */
  requests: Record<string, number>;
  totalRequests: number;
  /** Steps as the CLI's summary counts them. */
  counts: Partial<Record<CountedOp, number>>;
  /** Plugin RPCs by method. */
  calls: Record<string, number>;
  /** The plugin process's peak RSS (VmHWM), bytes; undefined without /proc. */
  pluginPeakRssBytes?: number;
  /** The program process's peak RSS (its `maxRSS` at exit), bytes. */
  programPeakRssBytes?: number;
  /** The first error diagnostic (the guard's refusal in step 3). */
  error?: string;
}

export interface RosterRun {
  n: number;
  /** Status writes the first `up` needs. */
  writes: number;
  /** Entries the broken export changes. */
  changed: number;
  steps: RosterStep[];
  /** Users left in a status other than the roster's after the first `up`. */
  mismatches: number;
  /** The guard's `check` RPC through a plugin of its own, with the state of step 1 and the export of step 3. */
  guardCheck: GuardCheckTiming;
}

export interface RosterOptions {
  n: number;
  program: InstalledProgram;
  log: (line: string) => void;
}

const PROGRAM = `// The roster benchmark's program (written by bench/roster.ts).
const securid = require("pulumi-securid");

const staff = new securid.Roster("staff", {
  file: ${JSON.stringify(ROSTER_FILE)},
  columns: ${JSON.stringify(COLUMNS)},
  statusMap: ${JSON.stringify(STATUS_MAP)},
  maxChanges: ${JSON.stringify(MAX_CHANGES)},
});

exports.summary = staff.summary;
`;

/** A program directory under the installed package's (so that `require("pulumi-securid")` finds it). */
function writeProgram(program: InstalledProgram, n: number): string {
  const dir = path.join(program.dir, `roster-${n}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "Pulumi.yaml"), `name: roster-bench\nruntime: nodejs\n`);
  writeFileSync(path.join(dir, "index.js"), PROGRAM);
  return dir;
}

/**
 * Preloaded into the program (NODE_OPTIONS reaches the plugin too, which ignores it): prints the process's
 * peak RSS when it exits, for the bench to read from its output. Linux pipes are synchronous, so the
 * line is written before the process ends.
 */
const PROGRAM_MEMORY_LINE = "securid-bench: program peak RSS kB ";
const PROGRAM_MEMORY_PRELOAD =
  "data:text/javascript," +
  encodeURIComponent(
    `if(/cmd[\\/]run/.test(process.argv[1]??""))process.on("exit",()=>console.log(${JSON.stringify(PROGRAM_MEMORY_LINE)}+process.resourceUsage().maxRSS));`,
  );

function programPeakRss(result: OperationResult): number | undefined {
  const line = result.program.stdout.find((l) => l.startsWith(PROGRAM_MEMORY_LINE));
  return line === undefined ? undefined : Number(line.slice(PROGRAM_MEMORY_LINE.length)) * 1024;
}

function firstError(result: OperationResult): string | undefined {
  return result.diagnostics.find((d) => d.severity === "error")?.message;
}

function tally<T extends string>(items: readonly T[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[item] = (out[item] ?? 0) + 1;
  return out;
}

async function step(
  emulator: RemoteEmulator,
  label: string,
  expect: RosterStep["expect"],
  run: () => Promise<OperationResult>,
): Promise<RosterStep> {
  await emulator.clearRequests();
  const started = performance.now();
  const result = await run();
  const wallMs = performance.now() - started;
  const { requests } = await emulator.snapshot();
  const operations = requests.filter((r) => r.api !== "admin" && r.api !== "oauth").map((r) => r.operation);
  const figures: RosterStep = {
    label,
    ok: result.ok,
    expect,
    wallMs,
    requests: tally(operations),
    totalRequests: operations.length,
    counts: result.counts,
    calls: tally(result.providerCalls.map((c) => c.method)),
  };
  if (result.pluginPeakRssBytes !== undefined) figures.pluginPeakRssBytes = result.pluginPeakRssBytes;
  const programRss = programPeakRss(result);
  if (programRss !== undefined) figures.programPeakRssBytes = programRss;
  const error = firstError(result);
  if (error !== undefined) figures.error = error;
  const fine =
    expect === "ok" ? result.ok : !result.ok && /Roster 'staff'.*more than the limit/.test(error ?? "");
  if (!fine) throw new Error(`roster bench, ${label}: unexpected outcome\n${result.text}`);
  return figures;
}

/** Runs the three steps for `n` workers against a fresh emulator. */
export async function rosterScenario(o: RosterOptions): Promise<RosterRun> {
  const list = workers(o.n);
  const dir = writeProgram(o.program, o.n);
  const csv = path.join(dir, ROSTER_FILE);
  writeFileSync(csv, exportCsv(list));
  const emulator = await RemoteEmulator.start({ users: seedUsers(list) });
  try {
    const keyFile = await emulator.writeKeyFile(dir);
    const env = { SECURID_API_KEY_FILE: "", SECURID_API_KEY: "" };
    const nodeOptions = `${process.env.NODE_OPTIONS ?? ""} --import ${PROGRAM_MEMORY_PRELOAD}`.trim();
    const stack = new ProgramStack({
      dir,
      env: { ...env, NODE_OPTIONS: nodeOptions },
      programTimeoutMs: 900_000,
    });
    stack.setConfig("securid:apiKeyFile", keyFile);

    o.log(`roster ${o.n}: first up (securid:confirmChanges ${o.n})...`);
    stack.setConfig("securid:confirmChanges", String(o.n));
    const first = await step(emulator, "first up", "ok", () => stack.up());
    stack.removeConfig("securid:confirmChanges");
    const { users } = await emulator.snapshot();
    const mismatches = list.filter((w) => users.get(w.email) !== desired(w)).length;

    o.log(`roster ${o.n}: no-op up...`);
    const noop = await step(emulator, "no-op up", "ok", () => stack.up());

    const broken = brokenExport(list);
    writeFileSync(csv, exportCsv(broken.workers));
    o.log(`roster ${o.n}: preview of an export changing ${broken.changed} entries...`);
    const preview = await step(emulator, "preview (guard refuses)", "guard", () => stack.preview());

    o.log(`roster ${o.n}: the guard's check through a plugin of its own...`);
    const guard = stack.resource(GUARD_NAME);
    if (!guard) throw new Error(`roster bench: no ${GUARD_NAME} in the state`);
    const guardCheck = await guardPluginCheck({ dir, env, guard, csvPath: csv });

    return {
      n: o.n,
      writes: writesNeeded(list),
      changed: broken.changed,
      steps: [first, noop, preview],
      mismatches,
      guardCheck,
    };
  } finally {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
