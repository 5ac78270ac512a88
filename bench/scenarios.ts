/**
 * The benchmark scenarios, each run with pulumi-securid through the real plugin and with the naive
 * client, each against its own fresh emulator.
 */
import type { EmulatorOptions } from "../src/emulator";
import { RemoteEmulator } from "./remote-emulator";
import type { ResourceState } from "../dev/engine";
import { measure, type Measurement } from "./measure";
import { NaiveClient } from "./naive";
import { clientOverhead, type ClientOverhead } from "./overhead";
import { Stack } from "./stack";
import type { InstalledProgram } from "../dev/engine";
import { logicalCalls, mismatches, seeds, type DesiredUser } from "./workload";

export interface BenchOptions {
  users: DesiredUser[];
  /** Operations in flight (the engine's `--parallel`). */
  parallel: number;
  /** `securid:maxConcurrency` given to the plugin. */
  maxConcurrency: number;
  /** Run the naive client too. */
  naive: boolean;
  /** Progress lines. */
  log: (line: string) => void;
  /** The installed package to run (default: this repository's sources). */
  program?: InstalledProgram;
}

export interface PluginFigures {
  /** Peak resident set of the plugin process, kB. */
  rssPeakKb: number;
}

export const RATE_LIMIT = { requestsPerSecond: 20, burst: 20 } as const;
export const LATENCY_MS = 20;

export interface ScenarioA {
  ours: Measurement & PluginFigures;
  naive?: Measurement;
}

export interface ScenarioBC {
  overhead?: ClientOverhead;
  /** B again with twice the operations in flight (the in-flight bound unchanged), when parallel ≤ maxConcurrency. */
  wide?: Measurement & { parallel: number };
  create: Measurement & PluginFigures;
  noopUp: Measurement;
  refresh: Measurement & PluginFigures;
  naiveCreate?: Measurement;
  naiveNoopUp?: Measurement;
  naiveRefresh?: Measurement;
}

async function withEmulator<T>(opts: EmulatorOptions, fn: (e: RemoteEmulator) => Promise<T>): Promise<T> {
  const emulator = await RemoteEmulator.start(opts);
  try {
    return await fn(emulator);
  } finally {
    await emulator.close();
  }
}

async function checkState(
  m: Measurement,
  emulator: RemoteEmulator,
  users: readonly DesiredUser[],
): Promise<Measurement> {
  const { users: statuses } = await emulator.snapshot();
  m.mismatches = mismatches(users, (email) => statuses.get(email.toLowerCase())).length;
  return m;
}

function pluginConfig(o: BenchOptions): Record<string, string> {
  return { "securid:maxConcurrency": String(o.maxConcurrency) };
}

function needed(users: readonly DesiredUser[]): number {
  const calls = logicalCalls(users);
  return calls.lookups + calls.writes;
}

/** A: creates under a 20 req/s limit (burst 20, no Retry-After). */
export async function scenarioA(o: BenchOptions): Promise<ScenarioA> {
  const emulatorOptions = (): EmulatorOptions => ({ users: seeds(o.users), rateLimit: { ...RATE_LIMIT } });
  o.log(`A: ${o.users.length} creates at 20 req/s through the plugin...`);
  const ours = await withEmulator(emulatorOptions(), async (emulator) => {
    const stack = await Stack.start({ emulator, config: pluginConfig(o), program: o.program });
    try {
      const m = await measure(emulator, needed(o.users), () => stack.up(o.users, o.parallel));
      return { ...(await checkState(m, emulator, o.users)), rssPeakKb: stack.plugin.rssPeakKb() };
    } finally {
      await stack.stop();
    }
  });
  if (!o.naive) return { ours };
  o.log(`A: ${o.users.length} users at 20 req/s with the naive client...`);
  const naive = await withEmulator(emulatorOptions(), async (emulator) => {
    const client = new NaiveClient(emulator);
    try {
      const m = await measure(emulator, needed(o.users), () => client.apply(o.users));
      return await checkState(m, emulator, o.users);
    } finally {
      await client.close();
    }
  });
  return { ours, naive };
}

/** B: creates with 20 ms latency and no limit; C: a no-op up and a refresh of the same resources. */
export async function scenarioBC(o: BenchOptions, run: { b: boolean; c: boolean }): Promise<ScenarioBC> {
  const emulatorOptions = (): EmulatorOptions => ({ users: seeds(o.users), latencyMs: LATENCY_MS });
  const n = o.users.length;
  const result = await withEmulator(emulatorOptions(), async (emulator) => {
    const stack = await Stack.start({ emulator, config: pluginConfig(o), program: o.program });
    try {
      o.log(`B: ${n} creates, ${LATENCY_MS} ms latency, through the plugin...`);
      const up = { states: [] as (ResourceState | undefined)[] };
      const create = await measure(emulator, needed(o.users), async () => {
        const r = await stack.up(o.users, o.parallel);
        up.states = r.states;
        return r;
      });
      await checkState(create, emulator, o.users);
      const createFigures = { ...create, rssPeakKb: stack.plugin.rssPeakKb() };
      if (!run.c) return { create: createFigures } as ScenarioBC;
      o.log(`C: no-op up and refresh of ${n} resources through the plugin...`);
      const noopUp = await measure(emulator, 0, async () => {
        const r = await stack.up(o.users, o.parallel, up.states);
        const notSame = n - (r.ops.same ?? 0);
        return { failed: r.failed + notSame, errors: r.errors };
      });
      const states = up.states.filter((s): s is ResourceState => s !== undefined);
      const refresh = await measure(emulator, n, () => stack.refresh(states, o.parallel));
      return { create: createFigures, noopUp, refresh: { ...refresh, rssPeakKb: stack.plugin.rssPeakKb() } };
    } finally {
      await stack.stop();
    }
  });
  if (run.b && o.parallel <= o.maxConcurrency) {
    const parallel = 2 * o.parallel;
    o.log(`B: ${n} creates again with --parallel ${parallel} (in-flight bound unchanged)...`);
    result.wide = await withEmulator(emulatorOptions(), async (emulator) => {
      const stack = await Stack.start({ emulator, config: pluginConfig(o), program: o.program });
      try {
        const m = await measure(emulator, needed(o.users), () => stack.up(o.users, parallel));
        return { ...(await checkState(m, emulator, o.users)), parallel };
      } finally {
        await stack.stop();
      }
    });
  }
  if (run.b) {
    o.log("B: the HTTP client's own cost per request, in one process...");
    result.overhead = await clientOverhead();
  }
  if (!o.naive) return result;
  await withEmulator(emulatorOptions(), async (emulator) => {
    const client = new NaiveClient(emulator);
    try {
      o.log(`B: ${n} users, ${LATENCY_MS} ms latency, with the naive client...`);
      result.naiveCreate = await checkState(
        await measure(emulator, needed(o.users), () => client.apply(o.users)),
        emulator,
        o.users,
      );
      if (!run.c) return;
      o.log(`C: no-op apply and read of ${n} users with the naive client...`);
      result.naiveNoopUp = await measure(emulator, n, () => client.apply(o.users));
      result.naiveRefresh = await measure(emulator, n, () => client.read(o.users));
    } finally {
      await client.close();
    }
  });
  return result;
}
