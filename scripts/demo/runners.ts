/**
 * What runs `pulumi preview/up/refresh` for the demo, in this order of preference:
 *
 * 1. the Pulumi CLI on PATH;
 * 2. the CLI installed the official way (`PulumiCommand.install` of the Automation API) into a cache
 *    directory, when this machine can download it;
 * 3. dev/engine, this repository's stand-in for the engine: the real Pulumi SDK runs the program and
 *    the real dynamic-provider plugin runs the resources, over gRPC, as the engine drives them. It is
 *    not the Pulumi CLI, and the demo says so.
 */
import { spawn, spawnSync } from "node:child_process";
import { homedir } from "node:os";
import path from "node:path";
import { ProgramStack } from "../../dev/engine";
import type { DemoWorkspace } from "./workspace";

/** What one command printed, and whether it succeeded (its exit status). */
export interface Outcome {
  ok: boolean;
  text: string;
}

export interface Runner {
  /** `cli` (on PATH), `installed` (downloaded into the cache) or `stand-in`. */
  readonly kind: "cli" | "installed" | "stand-in";
  /** What to tell the user before the story. */
  readonly banner: string;
  setConfig(key: string, value: string, opts?: { secret?: boolean }): Promise<void>;
  removeConfig(key: string): Promise<void>;
  preview(): Promise<Outcome>;
  up(): Promise<Outcome>;
  refresh(): Promise<Outcome>;
  close(): Promise<void>;
}

const STACK = "demo";

/** Where `PulumiCommand.install` puts the CLI: the user's cache, reused by later demos. */
export function cliCacheDir(): string {
  const cache = process.env.XDG_CACHE_HOME ?? path.join(homedir(), ".cache");
  return path.join(cache, "pulumi-securid", "pulumi-cli");
}

function pulumiOnPath(): string | undefined {
  const found = spawnSync("pulumi", ["version"], { stdio: "ignore" });
  return found.status === 0 ? "pulumi" : undefined;
}

/** The CLI through the Automation API's installer; `undefined` when it cannot be had (offline). */
async function installedPulumi(log: (line: string) => void): Promise<string | undefined> {
  const root = cliCacheDir();
  try {
    const { PulumiCommand } = await import("@pulumi/pulumi/automation");
    log(`The Pulumi CLI is not on PATH: trying to install it into ${root} (PulumiCommand.install)...`);
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error("no answer within 60 s")), 60_000).unref(),
    );
    const cli = await Promise.race([PulumiCommand.install({ root }), timeout]);
    return cli.command;
  } catch (err) {
    log(`  could not install it: ${(err as Error).message.split("\n")[0]}`);
    return undefined;
  }
}

/** The runner to use, by the order of preference above; `prefer: "stand-in"` skips the CLI. */
export async function chooseRunner(
  ws: DemoWorkspace,
  env: NodeJS.ProcessEnv,
  opts: { prefer?: "stand-in"; log: (line: string) => void },
): Promise<Runner> {
  if (opts.prefer !== "stand-in") {
    const onPath = pulumiOnPath();
    if (onPath) return cliRunner("cli", onPath, ws, env);
    const installed = await installedPulumi(opts.log);
    if (installed) return cliRunner("installed", installed, ws, env);
  }
  return standInRunner(ws, env);
}

/** Runs a CLI command in the program's directory; resolves with what it printed and its status. */
function runCli(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (text += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ ok: code === 0, text: text.trimEnd() }));
  });
}

async function cliRunner(
  kind: "cli" | "installed",
  pulumi: string,
  ws: DemoWorkspace,
  baseEnv: NodeJS.ProcessEnv,
): Promise<Runner> {
  const env: NodeJS.ProcessEnv = {
    ...baseEnv,
    PULUMI_BACKEND_URL: `file://${ws.stateDir}`,
    PULUMI_CONFIG_PASSPHRASE: "throwaway-demo-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_HOME: path.join(ws.stateDir, ".pulumi-home"),
    // The bundled language plugin is next to the binary: put it first on PATH, as the Automation API does.
    PATH: path.isAbsolute(pulumi)
      ? `${path.dirname(pulumi)}${path.delimiter}${baseEnv.PATH ?? ""}`
      : baseEnv.PATH,
  };
  const run = async (...args: string[]) => {
    const outcome = await runCli(
      pulumi,
      [...args, "--stack", STACK, "--non-interactive"],
      ws.programDir,
      env,
    );
    return outcome;
  };
  const init = await runCli(pulumi, ["stack", "init", STACK, "--non-interactive"], ws.programDir, env);
  if (!init.ok) throw new Error(`pulumi stack init failed:\n${init.text}`);
  const must = async (...args: string[]) => {
    const outcome = await run(...args);
    if (!outcome.ok) throw new Error(`pulumi ${args.join(" ")} failed:\n${outcome.text}`);
  };
  return {
    kind,
    banner:
      kind === "cli"
        ? `Running with the Pulumi CLI on PATH, on a local file backend in ${ws.stateDir}.`
        : `Running with the Pulumi CLI installed into ${path.dirname(path.dirname(pulumi))}, on a local file backend.`,
    setConfig: (key, value, opts = {}) =>
      must("config", "set", ...(opts.secret ? ["--secret"] : []), key, value),
    removeConfig: (key) => must("config", "rm", key),
    preview: () => run("preview", "--color", "never"),
    up: () => run("up", "--yes", "--skip-preview", "--color", "never"),
    refresh: () => run("refresh", "--yes", "--skip-preview", "--color", "never"),
    close: async () => {
      await run("stack", "rm", "--yes", "--force");
    },
  };
}

function standInRunner(ws: DemoWorkspace, env: NodeJS.ProcessEnv): Runner {
  const stack = new ProgramStack({
    dir: ws.programDir,
    stack: STACK,
    env,
    tsconfigPath: path.join(ws.programDir, "tsconfig.json"),
  });
  const outcome = async (operation: Promise<{ ok: boolean; text: string }>): Promise<Outcome> => {
    const result = await operation;
    return { ok: result.ok, text: result.text.trimEnd() };
  };
  return {
    kind: "stand-in",
    banner: [
      "== Not the Pulumi CLI ==",
      "The Pulumi CLI is not installed and could not be downloaded, so this demo runs dev/engine, this",
      "repository's stand-in for the engine: the real Pulumi SDK runs the program and the real",
      "dynamic-provider plugin of @pulumi/pulumi runs the resources, over gRPC, as `pulumi up` drives them.",
      "What it prints imitates the CLI's output. To see the real thing, install the Pulumi CLI",
      "(https://www.pulumi.com/docs/install/) and run `npm run demo` again.",
    ].join("\n"),
    setConfig: async (key, value, opts = {}) => void stack.setConfig(key, value, opts),
    removeConfig: async (key) => void stack.removeConfig(key),
    preview: () => outcome(stack.preview()),
    up: () => outcome(stack.up()),
    refresh: () => outcome(stack.refresh()),
    close: async () => {},
  };
}
