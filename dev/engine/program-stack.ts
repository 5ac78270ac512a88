/**
 * A stand-in for `pulumi preview/up/refresh/destroy` of one stack: it runs a real Pulumi program with the real
 * `@pulumi/pulumi` SDK against {@link MonitorServers}, executes its resources through the real dynamic-provider
 * plugin (a fresh process per operation), and keeps the checkpoint. NOT the Pulumi CLI: see dev/engine/README.md
 * for what it models and what not.
 */
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import {
  PassphraseCrypter,
  copyRecord,
  exportCheckpoint,
  importCheckpoint,
  type ResourceRecord,
} from "./checkpoint";
import { deleteInReverseDependencyOrder } from "./deletes";
import { DEFAULT_PROVIDER_TYPE, Deployment } from "./deployment";
import { StepExecutor } from "./executor";
import { MonitorServers } from "./monitor";
import type { PropertyMap } from "./plugin";
import { startProgram, type ProgramProcess } from "./program";
import { ProviderSession } from "./provider-session";
import { refreshResources } from "./refresh";
import { renderOperation } from "./render";
import {
  countSteps,
  type Diagnostic,
  type OperationKind,
  type OperationResult,
  type StackOutput,
  type StepRecord,
} from "./results";
import { UNKNOWN, containsSecrets, isSecret, unwrapSecretsDeep } from "./secrets";
import { ROOT_STACK_TYPE } from "./urn";

/** This repository's tsconfig.json: programs here import the package's TypeScript sources. */
const REPO_TSCONFIG = path.resolve(__dirname, "..", "..", "tsconfig.json");

/** The Node language host's exit code for "the error was already shown to the user". */
const ALREADY_REPORTED_EXIT_CODE = 32;

export interface ProgramStackOptions {
  /** The program's directory (working directory of the program and of the plugin). */
  dir: string;
  /** Entry point relative to `dir` (Pulumi.yaml `main`). Default: the directory (its index.ts or index.js). */
  main?: string;
  /** Default: `name` of `dir`/Pulumi.yaml, else the directory's name. */
  project?: string;
  /** Default "dev". */
  stack?: string;
  /** Default for `--parallel`: 4 × CPUs, as the CLI. */
  parallel?: number;
  /** Extra environment of the program and the plugin (a key set to undefined is removed). */
  env?: NodeJS.ProcessEnv;
  /** Register ts-node (Pulumi.yaml `runtime.options.typescript`). Default: true when the entry is TypeScript. */
  typescript?: boolean;
  /** `PULUMI_NODEJS_TSCONFIG_PATH`. Default: this repository's tsconfig.json. */
  tsconfigPath?: string;
  /** Passphrase of the secrets provider used by {@link ProgramStack.exportState}. Default "dev-engine". */
  passphrase?: string;
  /** Time allowed for the program of one operation. Default 120 s. */
  programTimeoutMs?: number;
  /** `--organization`. Default "organization" (the DIY backend's). */
  organization?: string;
  /** Keep the program's debug messages in the diagnostics (`--debug`). */
  debug?: boolean;
}

export interface OperationOptions {
  /** `--parallel`. */
  parallel?: number;
}

export interface UpOptions extends OperationOptions {
  /** `--refresh`: read every resource first (same plugin process). */
  refresh?: boolean;
  /** `--expect-no-changes`: fail if anything would change. */
  expectNoChanges?: boolean;
}

export type PreviewOptions = UpOptions;

export interface ConfigValue {
  value: string;
  secret: boolean;
}

function projectName(dir: string): string {
  const yaml = path.join(dir, "Pulumi.yaml");
  if (existsSync(yaml)) {
    const m = /^name:\s*["']?([^"'\s#]+)/m.exec(readFileSync(yaml, "utf8"));
    if (m) return m[1]!;
  }
  return path.basename(dir);
}

function containsUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (typeof v === "object" && v !== null) return Object.values(v).some(containsUnknown);
  return false;
}

/** Stack outputs as `pulumi stack output --show-secrets --json` shows them, with their secrecy apart. */
export function stackOutputsOf(props: PropertyMap | undefined): Record<string, StackOutput> {
  const out: Record<string, StackOutput> = {};
  for (const [k, v] of Object.entries(props ?? {})) {
    out[k] = {
      value: unwrapSecretsDeep(v),
      secret: isSecret(v),
      containsSecrets: containsSecrets(v),
      unknown: containsUnknown(v),
    };
  }
  return out;
}

interface OperationParts {
  kind: OperationKind;
  dryRun: boolean;
  ok: boolean;
  steps: StepRecord[];
  diagnostics: Diagnostic[];
  session: ProviderSession;
  program?: ProgramProcess;
  programExit?: { code: number | null; signal: NodeJS.Signals | null };
  outputs: PropertyMap | undefined;
  started: number;
}

export class ProgramStack {
  readonly dir: string;
  readonly project: string;
  readonly stack: string;
  private readonly opts: ProgramStackOptions;
  private readonly configValues = new Map<string, ConfigValue>();
  private state: ResourceRecord[] = [];
  private crypter?: PassphraseCrypter;

  constructor(opts: ProgramStackOptions) {
    this.opts = opts;
    this.dir = path.resolve(opts.dir);
    this.project = opts.project ?? projectName(this.dir);
    this.stack = opts.stack ?? "dev";
  }

  // ---------------------------------------------------------------------------------------------------------
  // Configuration (`pulumi config set [--secret] <key> <value>`, `pulumi config rm <key>`).

  /** A key without a namespace gets the project's, as the CLI does. */
  private configKey(key: string): string {
    return key.includes(":") ? key : `${this.project}:${key}`;
  }

  /** Sets a config value; a value that is not a string is stored as JSON (`--path` objects, `requireObject`). */
  setConfig(key: string, value: unknown, opts: { secret?: boolean } = {}): this {
    this.configValues.set(this.configKey(key), {
      value: typeof value === "string" ? value : JSON.stringify(value),
      secret: opts.secret === true,
    });
    return this;
  }

  removeConfig(key: string): this {
    this.configValues.delete(this.configKey(key));
    return this;
  }

  /** The stack config, namespaced keys. */
  config(): Record<string, ConfigValue> {
    return Object.fromEntries([...this.configValues].map(([k, v]) => [k, { ...v }]));
  }

  private configMaps(): { config: Record<string, string>; secretKeys: string[] } {
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [k, v] of this.configValues) {
      config[k] = v.value;
      if (v.secret) secretKeys.push(k);
    }
    return { config, secretKeys };
  }

  // ---------------------------------------------------------------------------------------------------------
  // State.

  /** The checkpoint's resources (copies), in state order. */
  resources(): ResourceRecord[] {
    return this.state.map(copyRecord);
  }

  /** A resource of the state by URN, or by name when only one resource (not pending deletion) has it. */
  resource(nameOrUrn: string): ResourceRecord | undefined {
    const byUrn = this.state.find((r) => r.urn === nameOrUrn);
    if (byUrn) return copyRecord(byUrn);
    const named = this.state.filter((r) => r.name === nameOrUrn && !r.delete);
    if (named.length > 1) throw new Error(`${named.length} resources are named ${nameOrUrn}: use the URN`);
    return named[0] ? copyRecord(named[0]) : undefined;
  }

  /** The stack outputs recorded in the state (on the root `pulumi:pulumi:Stack`). */
  outputs(): Record<string, StackOutput> {
    return stackOutputsOf(this.rootOutputs());
  }

  private rootOutputs(): PropertyMap {
    return this.state.find((r) => r.type === ROOT_STACK_TYPE && !r.parent)?.outputs ?? {};
  }

  private secretsCrypter(): PassphraseCrypter {
    this.crypter ??= PassphraseCrypter.create(this.opts.passphrase ?? "dev-engine");
    return this.crypter;
  }

  /**
   * The text `pulumi stack export` shows: secrets encrypted by the stack's passphrase provider, so no plaintext
   * secret is in it (`showSecrets`: `pulumi stack export --show-secrets`, secrets in plain text).
   */
  exportState(opts: { showSecrets?: boolean } = {}): string {
    const crypter = this.secretsCrypter();
    return exportCheckpoint(this.state, opts.showSecrets ? undefined : crypter, crypter.state);
  }

  /** `pulumi stack import`: replaces the state. Secrets are decrypted with this stack's passphrase. */
  importState(text: string): void {
    const passphrase = this.opts.passphrase ?? "dev-engine";
    const imported = importCheckpoint(text, (salt) => {
      if (this.crypter?.state === salt) return this.crypter;
      return PassphraseCrypter.fromState(passphrase, salt);
    });
    if (imported.saltState && this.crypter?.state !== imported.saltState) {
      this.crypter = PassphraseCrypter.fromState(passphrase, imported.saltState);
    }
    this.state = imported.resources;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Operations.

  private running?: string;

  /** Runs one operation at a time, as the CLI's stack lock does. */
  private async exclusive<T>(name: string, op: () => Promise<T>): Promise<T> {
    if (this.running)
      throw new Error(`${name}: the stack is busy with ${this.running} (one operation at a time)`);
    this.running = name;
    try {
      return await op();
    } finally {
      this.running = undefined;
    }
  }

  private session(): ProviderSession {
    return new ProviderSession({
      cwd: this.dir,
      project: this.project,
      stack: this.stack,
      env: this.opts.env,
      ...this.configMaps(),
    });
  }

  private parallel(opts: OperationOptions): number {
    return opts.parallel ?? this.opts.parallel ?? 4 * availableParallelism();
  }

  /** `pulumi preview`: check and diff only; `refresh` reads (as `preview --refresh` does) but saves nothing. */
  preview(opts: PreviewOptions = {}): Promise<OperationResult> {
    return this.exclusive("preview", () => this.runProgram(true, opts));
  }

  /** `pulumi up --yes` (with `--refresh`, `--expect-no-changes` as options). */
  up(opts: UpOptions = {}): Promise<OperationResult> {
    return this.exclusive("up", () => this.runProgram(false, opts));
  }

  /** `pulumi refresh --yes`. */
  refresh(opts: OperationOptions = {}): Promise<OperationResult> {
    return this.exclusive("refresh", () => this.runRefresh(opts));
  }

  private async runRefresh(opts: OperationOptions): Promise<OperationResult> {
    const started = performance.now();
    const session = this.session();
    const executor = new StepExecutor(this.parallel(opts));
    try {
      const r = await refreshResources(this.state, session, executor);
      this.state = r.resources;
      await session.stop();
      return this.result({
        kind: "refresh",
        dryRun: false,
        ok: r.ok,
        steps: r.steps,
        diagnostics: r.diagnostics,
        session,
        outputs: undefined,
        started,
      });
    } finally {
      await session.stop();
    }
  }

  /** `pulumi destroy --yes`: deletes every resource, dependents first. The program does not run. */
  destroy(opts: OperationOptions = {}): Promise<OperationResult> {
    return this.exclusive("destroy", () => this.runDestroy(opts));
  }

  private async runDestroy(opts: OperationOptions): Promise<OperationResult> {
    const started = performance.now();
    const session = this.session();
    const executor = new StepExecutor(this.parallel(opts));
    const steps: StepRecord[] = [];
    const diagnostics: Diagnostic[] = [];
    try {
      const outcome = await deleteInReverseDependencyOrder(this.state, executor, async (r) => {
        const step: StepRecord = { urn: r.urn, type: r.type, name: r.name, op: "delete" };
        if (r.custom && r.type !== DEFAULT_PROVIDER_TYPE) {
          try {
            await session.delete(r.urn, r.id ?? "", r.outputs, r.inputs);
          } catch (e) {
            steps.push({ ...step, failed: true });
            diagnostics.push({
              severity: "error",
              message: (e as Error).message,
              urn: r.urn,
              source: "engine",
            });
            throw e;
          }
        }
        if (r.type !== DEFAULT_PROVIDER_TYPE) steps.push(step);
      });
      const gone = new Set(outcome.deleted);
      this.state = this.state.filter((r) => !gone.has(r));
      await session.stop();
      return this.result({
        kind: "destroy",
        dryRun: false,
        ok: !executor.cancelled,
        steps,
        diagnostics,
        session,
        outputs: undefined,
        started,
      });
    } finally {
      await session.stop();
    }
  }

  private async runProgram(dryRun: boolean, opts: UpOptions): Promise<OperationResult> {
    const started = performance.now();
    const session = this.session();
    const executor = new StepExecutor(this.parallel(opts));
    const steps: StepRecord[] = [];
    const diagnostics: Diagnostic[] = [];
    let base = this.state.map(copyRecord);
    let ok = true;
    let deployment: Deployment | undefined;
    let program: ProgramProcess | undefined;
    let programExit: OperationParts["programExit"];
    try {
      if (opts.refresh) {
        const r = await refreshResources(base, session, executor);
        steps.push(...r.steps);
        diagnostics.push(...r.diagnostics);
        base = r.resources;
        ok = r.ok;
      }
      if (ok) {
        session.prewarm();
        deployment = new Deployment({
          dryRun,
          project: this.project,
          stack: this.stack,
          base,
          provider: session,
          executor,
          debug: this.opts.debug === true,
        });
        const servers = await MonitorServers.start(deployment);
        try {
          program = startProgram({
            dir: this.dir,
            main: this.opts.main,
            monitorAddress: servers.monitorAddress,
            engineAddress: servers.engineAddress,
            project: this.project,
            stack: this.stack,
            organization: this.opts.organization ?? "organization",
            dryRun,
            parallel: executor.parallel,
            ...this.configMaps(),
            typescript: this.opts.typescript ?? this.isTypeScript(),
            tsconfigPath: this.opts.tsconfigPath ?? REPO_TSCONFIG,
            env: this.opts.env,
          });
          programExit = await this.waitForProgram(program, executor, diagnostics);
          const code = programExit.code;
          if (code === 0 && !executor.cancelled) {
            // The SDK normally signals first (SignalAndWaitForShutdown); an older one just exits.
            await deployment.finish().catch(() => undefined);
          } else if (code !== 0) {
            executor.cancel(new Error(`program exited with ${code ?? programExit.signal}`));
            if (code !== null && code !== ALREADY_REPORTED_EXIT_CODE) {
              diagnostics.push({
                severity: "error",
                message: `Program exited with non-zero exit code: ${code}`,
                source: "program",
              });
            }
          }
          await deployment.drain();
        } finally {
          servers.stop();
        }
        ok = !executor.cancelled;
        deployment.finalizeStackOutputs(!ok);
        steps.push(...deployment.steps);
        diagnostics.unshift(...deployment.diagnostics);
      }
      if (!dryRun) this.state = deployment ? deployment.newState() : base;
      if (opts.expectNoChanges && steps.some((s) => s.op !== "same" && s.op !== "refresh")) {
        ok = false;
        diagnostics.push({
          severity: "error",
          message: "no changes were expected but changes were proposed",
          source: "engine",
        });
      }
      await session.stop();
      return this.result({
        kind: dryRun ? "preview" : "update",
        dryRun,
        ok,
        steps,
        diagnostics,
        session,
        program,
        programExit,
        outputs: deployment?.stackOutputs,
        started,
      });
    } finally {
      program?.kill();
      await session.stop();
    }
  }

  private isTypeScript(): boolean {
    const entry = path.resolve(this.dir, this.opts.main ?? ".");
    if (entry.endsWith(".ts")) return true;
    return existsSync(path.join(entry, "index.ts"));
  }

  /** Waits for the program; kills it when it overstays (the timeout, or 5 s after the deployment failed). */
  private async waitForProgram(
    program: ProgramProcess,
    executor: StepExecutor,
    diagnostics: Diagnostic[],
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const timeoutMs = this.opts.programTimeoutMs ?? 120_000;
    const deadline = setTimeout(() => {
      diagnostics.push({
        severity: "error",
        message: `the program did not finish within ${timeoutMs} ms; it was killed`,
        source: "engine",
      });
      program.kill();
    }, timeoutMs);
    let grace: NodeJS.Timeout | undefined;
    let closed = false;
    void executor.whenCancelled().then(() => {
      // The language host interrupts the program of a cancelled deployment and waits 5 s (cmd.WaitDelay).
      if (!closed) grace = setTimeout(() => program.kill(), 5000);
    });
    try {
      return await program.closed;
    } finally {
      closed = true;
      clearTimeout(deadline);
      clearTimeout(grace);
    }
  }

  private result(p: OperationParts): OperationResult {
    const rawOutputs = p.outputs ?? this.rootOutputs();
    const outputs = stackOutputsOf(rawOutputs);
    const counts = countSteps(p.steps);
    const plugin = p.session.output();
    const program = { stdout: p.program?.stdout ?? [], stderr: p.program?.stderr ?? [] };
    const durationMs = performance.now() - p.started;
    const result: OperationResult = {
      kind: p.kind,
      ok: p.ok,
      steps: p.steps,
      counts,
      outputs,
      diagnostics: p.diagnostics,
      providerCalls: p.session.calls,
      program,
      plugin,
      durationMs,
      text: renderOperation({
        kind: p.kind,
        dryRun: p.dryRun,
        stack: this.stack,
        project: this.project,
        ok: p.ok,
        steps: p.steps,
        counts,
        diagnostics: p.diagnostics,
        printed: [...program.stdout, ...program.stderr, ...plugin.stdout, ...plugin.stderr],
        outputs: rawOutputs,
        durationMs,
      }),
    };
    if (p.session.pid !== undefined) result.pluginPid = p.session.pid;
    if (p.session.exit) result.pluginExit = p.session.exit;
    if (p.session.peakRssBytes !== undefined) result.pluginPeakRssBytes = p.session.peakRssBytes;
    if (p.programExit) result.programExit = p.programExit;
    return result;
  }
}
