/**
 * Runs a Pulumi program the way the Node.js language host does (pulumi/pulumi `sdk/nodejs/cmd/pulumi-language-nodejs`):
 * `node <@pulumi/pulumi/cmd/run> --monitor <addr> --engine <addr> --project <p> --stack <s> --pwd <dir>
 * [--dry-run] --parallel <n> <program>`, with the stack config in `PULUMI_CONFIG` and, for TypeScript, the
 * `PULUMI_NODEJS_*` variables that make the SDK register ts-node.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { lineSplitter } from "./plugin";

export interface ProgramRunOptions {
  /** The program's directory: its working directory (`--pwd`). */
  dir: string;
  /**
   * The entry point given to `cmd/run`: a file or directory, relative to `dir` or absolute. Default: `dir` itself
   * (its `index.ts`/`index.js`). Passing "." instead would make the SDK use the nearest package.json's `main`, which
   * inside this repository is the package's own `dist/index.js`.
   */
  main?: string;
  monitorAddress: string;
  engineAddress: string;
  project: string;
  stack: string;
  organization: string;
  dryRun: boolean;
  parallel: number;
  /** Namespaced keys (`securid:apiKeyFile`) to string values. */
  config: Record<string, string>;
  secretKeys: string[];
  /** Register ts-node for TypeScript programs (`runtime.options.typescript` in Pulumi.yaml). */
  typescript: boolean;
  /** `PULUMI_NODEJS_TSCONFIG_PATH`. */
  tsconfigPath?: string;
  /** Layered over `process.env`; a key set to undefined is removed. */
  env?: NodeJS.ProcessEnv;
  nodePath?: string;
}

export interface ProgramProcess {
  readonly pid: number;
  readonly stdout: string[];
  readonly stderr: string[];
  /** Resolves when the process has exited and its output is read to the end. */
  readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(): void;
}

/**
 * Exits the program when the process that started it is gone (even killed), without keeping its event loop alive:
 * the SDK ends a program when the loop is empty, so a stdin watchdog (as the plugin has) cannot be used here.
 */
const ORPHAN_GUARD =
  "data:text/javascript," +
  encodeURIComponent(
    "const p=process.ppid;setInterval(()=>{if(process.ppid!==p)process.exit(1)},1000).unref();",
  );

/** Where the SDK's program runner is (resolved from the program's directory, as the language host does). */
export function programRunner(dir: string): string {
  try {
    return require.resolve("@pulumi/pulumi/cmd/run", { paths: [dir] });
  } catch {
    return require.resolve("@pulumi/pulumi/cmd/run");
  }
}

export function startProgram(opts: ProgramRunOptions): ProgramProcess {
  const entry = path.resolve(opts.dir, opts.main ?? ".");
  const args = [
    "--import",
    ORPHAN_GUARD,
    programRunner(opts.dir),
    `--monitor=${opts.monitorAddress}`,
    `--engine=${opts.engineAddress}`,
    `--organization=${opts.organization}`,
    `--project=${opts.project}`,
    `--root-directory=${opts.dir}`,
    `--stack=${opts.stack}`,
    `--pwd=${opts.dir}`,
    ...(opts.dryRun ? ["--dry-run"] : []),
    `--parallel=${opts.parallel}`,
    entry,
  ];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_CONFIG: JSON.stringify(opts.config),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(opts.secretKeys),
    ...(opts.typescript
      ? {
          PULUMI_NODEJS_TYPESCRIPT: "true",
          PULUMI_NODEJS_TRANSPILE_ONLY: "true",
          ...(opts.tsconfigPath ? { PULUMI_NODEJS_TSCONFIG_PATH: opts.tsconfigPath } : {}),
        }
      : {}),
    ...opts.env,
  };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];

  const child: ChildProcess = spawn(opts.nodePath ?? process.execPath, args, {
    cwd: opts.dir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const out = lineSplitter((line) => stdout.push(line));
  const err = lineSplitter((line) => stderr.push(line));
  child.stdout!.setEncoding("utf8").on("data", (c: string) => out.push(c));
  child.stderr!.setEncoding("utf8").on("data", (c: string) => err.push(c));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("error", (e) => {
      stderr.push(`failed to start the program: ${e.message}`);
      resolve({ code: null, signal: null });
    });
    child.once("close", (code, signal) => {
      out.end();
      err.end();
      resolve({ code, signal });
    });
  });
  return {
    pid: child.pid ?? -1,
    stdout,
    stderr,
    closed,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}
