/** The roster scenario at two sizes, and the guard's own work at the larger, as printed lines. */
import { loadavg } from "node:os";
import type { InstalledProgram } from "../dev/engine";
import { rosterScenario } from "./roster";
import { guardWorkInProcess } from "./roster-guard-work";
import { reportGuardWork, reportRoster } from "./roster-report";

/** The default sizes: 1,000 and 10,000 entries. */
export const ROSTER_SIZES: [number, number] = [1000, 10_000];

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(", ");

export async function rosterBench(o: {
  program: InstalledProgram;
  sizes: [number, number];
  log: (line: string) => void;
}): Promise<string[]> {
  const [small, large] = o.sizes;
  const loadBefore = load();
  const started = performance.now();
  // The larger first, so that its first calls are as cold as a plugin's would be.
  o.log(`R: the guard's pure functions on ${large} entries, in this process...`);
  const work = guardWorkInProcess(large);
  const smallRun = await rosterScenario({ n: small, program: o.program, log: o.log });
  const largeRun = await rosterScenario({ n: large, program: o.program, log: o.log });
  const minutes = (performance.now() - started) / 60_000;
  return [
    ...reportRoster(smallRun, largeRun),
    "",
    ...reportGuardWork(work, largeRun.guardCheck),
    `  roster scenario: ${minutes.toFixed(1)} min; load average (1, 5, 15 min) ${loadBefore} before, ${load()} after`,
  ];
}
