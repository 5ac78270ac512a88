/**
 * `npm run bench [-- options]`: 1,000 `UserStatus` resources through the REAL dynamic-provider plugin
 * (gRPC, as `pulumi up` drives it) against the emulator, compared with a naive serial client.
 *
 *   --users N          resources (default 1000)
 *   --quick            200 resources, for a fast look
 *   --parallel N       operations in flight, like `pulumi up --parallel` (default 4 × CPUs)
 *   --max-concurrency N  securid:maxConcurrency given to the plugin (default: the client's default)
 *   --scenario A,B,C,R which scenarios (default all; R is the roster scenario)
 *   --roster           the roster scenario only (same as --scenario R)
 *   --roster-sizes N,M the roster sizes (default 1000,10000)
 *   --no-naive         skip the naive client
 *   --source           run this repository's TypeScript sources instead of the packed, installed package
 *                      (A, B and C only: the roster scenario runs the installed package's compiled program)
 */
import { readFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { DEFAULTS } from "../src/client/defaults";
import { reportA, reportB, reportC } from "./report";
import { scenarioA, scenarioBC, type BenchOptions } from "./scenarios";
import { installedPackage } from "../dev/engine";
import { ROSTER_SIZES, rosterBench } from "./roster-bench";
import { userStatusProviderText } from "./stack";

const PULUMI_VERSION = (require("@pulumi/pulumi/package.json") as { version: string }).version;
import { logicalCalls, workload } from "./workload";

interface Args {
  users: number;
  parallel: number;
  maxConcurrency: number;
  scenarios: Set<string>;
  /** The roster scenario's two sizes. */
  rosterSizes: [number, number];
  naive: boolean;
  /** Run this repository's sources instead of the installed package. */
  source: boolean;
}

function usage(message: string): never {
  console.error(`bench: ${message}`);
  console.error(
    "usage: npm run bench -- [--users N | --quick] [--parallel N] [--max-concurrency N] [--scenario A,B,C,R | --roster] [--roster-sizes N,M] [--no-naive] [--source]",
  );
  process.exit(2);
}

function positiveInt(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) usage(`${name} needs a positive integer, got ${String(value)}`);
  return n;
}

export function parseArgs(argv: string[]): Args {
  const args: Args = {
    users: 1000,
    parallel: 4 * availableParallelism(),
    maxConcurrency: DEFAULTS.maxConcurrency,
    scenarios: new Set(["A", "B", "C", "R"]),
    rosterSizes: [...ROSTER_SIZES],
    naive: true,
    source: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split("=", 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case "--users":
        args.users = positiveInt(flag, value());
        break;
      case "--quick":
        args.users = 200;
        break;
      case "--parallel":
        args.parallel = positiveInt(flag, value());
        break;
      case "--max-concurrency":
        args.maxConcurrency = positiveInt(flag, value());
        break;
      case "--scenario": {
        const list = (value() ?? "").toUpperCase().split(",").filter(Boolean);
        if (list.length === 0 || list.some((s) => !["A", "B", "C", "R"].includes(s)))
          usage("--scenario takes A, B, C and/or R");
        args.scenarios = new Set(list);
        break;
      }
      case "--roster":
        args.scenarios = new Set(["R"]);
        break;
      case "--roster-sizes": {
        const sizes = (value() ?? "").split(",").map((x) => positiveInt(flag, x));
        if (sizes.length !== 2 || sizes[0]! >= sizes[1]!)
          usage("--roster-sizes takes two sizes, the smaller first, e.g. 1000,10000");
        args.rosterSizes = [sizes[0]!, sizes[1]!];
        break;
      }
      case "--no-naive":
        args.naive = false;
        break;
      case "--source":
        args.source = true;
        break;
      default:
        usage(`unknown option ${flag}`);
    }
  }
  if (args.source && args.scenarios.has("R")) {
    if (args.scenarios.size === 1) usage("--source does not apply to the roster scenario (R)");
    args.scenarios.delete("R");
  }
  return args;
}

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m) return m[1]!.trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? "unknown CPU";
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const users = workload(args.users);
  const { writes } = logicalCalls(users);
  const started = performance.now();
  const out = (line = "") => console.log(line);
  const options: BenchOptions = {
    users,
    parallel: args.parallel,
    maxConcurrency: args.maxConcurrency,
    naive: args.naive,
    log: (line) => console.error(`  … ${line}`),
  };
  const bound = Math.min(args.parallel, args.maxConcurrency);
  if (!args.source)
    console.error(
      "  … packing and installing the package into a program directory (npm pack, npm install)...",
    );
  const program = args.source ? undefined : installedPackage(PULUMI_VERSION);
  options.program = program;
  const provider = program ? await program.serializedProvider("UserStatus") : await userStatusProviderText();

  const rosterOnly = args.scenarios.size === 1 && args.scenarios.has("R");
  const [small, large] = args.rosterSizes;
  out(
    rosterOnly
      ? `pulumi-securid benchmark: a Roster of ${small} and of ${large} entries through the real dynamic-provider plugin (gRPC)`
      : `pulumi-securid benchmark: ${args.users} UserStatus resources through the real dynamic-provider plugin (gRPC)` +
          (args.scenarios.has("R") ? `, and a Roster of ${small} and of ${large} entries` : ""),
  );
  out(
    `machine: ${cpuModel()}, ${availableParallelism()} CPUs, Node ${process.version}, ${process.platform} ${process.arch}, ` +
      `@pulumi/pulumi ${PULUMI_VERSION}`,
  );
  out(`command: npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`);
  if (!rosterOnly)
    out(
      `parallel ${args.parallel} (engine default 4 × CPUs), securid:maxConcurrency ${args.maxConcurrency}, ` +
        `legacy API key; naive client: serial undici requests, no limiter, fixed 1 s retry on 429/5xx`,
    );
  if (args.scenarios.has("R"))
    out(
      `roster: dev/engine ProgramStack (real SDK, real plugin), --parallel ${4 * availableParallelism()} ` +
        `(4 × CPUs), legacy API key, emulator in a worker thread`,
    );
  out(
    `__provider: ${provider.length} bytes, stored twice per resource (inputs and outputs): ` +
      `${2 * provider.length} bytes per resource in the state (${program ? "installed package" : "source mode"})`,
  );
  out();

  if (args.scenarios.has("A")) {
    const a = await scenarioA(options);
    for (const line of reportA(a, args.users, writes, args.parallel)) out(line);
    out();
  }
  if (args.scenarios.has("B") || args.scenarios.has("C")) {
    const bc = await scenarioBC(options, { b: args.scenarios.has("B"), c: args.scenarios.has("C") });
    if (args.scenarios.has("B")) {
      for (const line of reportB(bc, args.users, bound, args.parallel)) out(line);
      out();
    }
    if (args.scenarios.has("C")) {
      for (const line of reportC(bc, args.users)) out(line);
      out();
    }
  }
  if (args.scenarios.has("R") && program) {
    for (const line of await rosterBench({ program, sizes: args.rosterSizes, log: options.log })) out(line);
    out();
  }
  out(`total benchmark time: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  program?.cleanup();
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
