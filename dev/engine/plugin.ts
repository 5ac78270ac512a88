/**
 * Starts the REAL dynamic-provider plugin shipped in `@pulumi/pulumi` (`cmd/dynamic-provider`) and talks to it over
 * gRPC the way the Pulumi engine does (checked against pulumi/pulumi `pkg/resource/plugin/provider_plugin.go`,
 * `pkg/host/host.go`, `pkg/resource/deploy/target.go`, `sdk/nodejs/dist/pulumi-resource-pulumi-nodejs`).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import * as grpc from "@grpc/grpc-js";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { unwrapSecretsDeep, wrapSecret } from "./secrets";

/** JSON-shaped property bag, as carried by a `google.protobuf.Struct`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- property bags are JSON of any shape
export type PropertyMap = Record<string, any>;

export interface StartPluginOptions {
  /** Working directory of the plugin. The engine starts it in the program's directory (`ctx.Pwd`). */
  cwd: string;
  /**
   * Extra environment, layered over `process.env` and the variables the engine adds (`PULUMI_PROJECT`,
   * `PULUMI_NODEJS_PROJECT`, `PULUMI_CONFIG`). A key set to `undefined` is removed.
   */
  env?: NodeJS.ProcessEnv;
  /** Node binary. Default `process.execPath`. (The real launcher script runs `node` from PATH.) */
  nodePath?: string;
  /**
   * Plugin script. Default: `require.resolve("@pulumi/pulumi/cmd/dynamic-provider")` from `cwd`, which is what the
   * launcher script `pulumi-resource-pulumi-nodejs` does (`node -e "console.log(require.resolve(...))"` in cwd).
   */
  pluginPath?: string;
  /** Project name: in URNs and in `PULUMI_PROJECT`/`PULUMI_NODEJS_PROJECT`. Default "securid-e2e". */
  project?: string;
  /** Stack name, used only in URNs (the engine does not tell the plugin). Default "dev". */
  stack?: string;
  /** Engine address argument. Default "127.0.0.1:0" (the plugin only checks that it is present, never dials it). */
  engineAddress?: string;
  /** How long to wait for the port line. Default 30 s. */
  startTimeoutMs?: number;
  /** Exit the plugin when this process dies, even by SIGKILL (stdin-EOF watchdog preloaded). Default true. */
  orphanGuard?: boolean;
}

export interface ConfigureResult {
  acceptSecrets: boolean;
  acceptResources: boolean;
  supportsPreview: boolean;
}

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface CheckResult {
  inputs: PropertyMap;
  failures: CheckFailure[];
}

export type DiffChanges = "DIFF_UNKNOWN" | "DIFF_NONE" | "DIFF_SOME";

export interface DiffResult {
  changes: DiffChanges;
  replaces: string[];
  stables: string[];
  diffs: string[];
  deleteBeforeReplace: boolean;
}

export interface CreateResult {
  id: string;
  outs: PropertyMap;
}

export interface ReadResult {
  /** "" means the resource is gone (the engine removes it from state). */
  id: string;
  props: PropertyMap;
  /** Present only when the provider's `read` returned `inputs`. */
  inputs?: PropertyMap;
}

export interface UpdateResult {
  outs: PropertyMap;
}

/** Unpacked `pulumirpc.ErrorResourceInitFailed`: sent when a create/update error carries an `id` property. */
export interface InitFailure {
  id: string;
  properties: PropertyMap;
  reasons: string[];
}

/** A failed RPC. `message` is the gRPC details: the text the engine shows the user. */
export class PluginCallError extends Error {
  constructor(
    readonly method: string,
    readonly grpcCode: number,
    details: string,
    readonly initFailure?: InitFailure,
  ) {
    super(details);
    this.name = "PluginCallError";
  }
}

const PROVIDER_PKG = "pulumi-nodejs";
const PROVIDER_TYPE = `pulumi:providers:${PROVIDER_PKG}`;
/** `rpcutil.MaxRPCMessageSize` in the engine, `maxRPCMessageSize` in the Node SDK. */
const MAX_RPC_MESSAGE_SIZE = 1024 * 1024 * 400;

// ---------------------------------------------------------------------------------------------------------------
// Process bookkeeping: never leave a plugin behind.

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => {
      for (const c of live) {
        try {
          c.kill("SIGKILL");
        } catch {
          // already gone
        }
      }
    });
  }
  live.add(child);
  child.once("exit", () => live.delete(child));
}

/** ESM preload: exit when our stdin pipe closes, i.e. when the parent (this test process) is gone. */
const ORPHAN_GUARD =
  "data:text/javascript," +
  encodeURIComponent(
    "process.stdin.on('end',()=>process.exit(0));process.stdin.on('error',()=>process.exit(0));process.stdin.resume();",
  );

/**
 * Peak resident set size of a process in kB: `VmHWM` of `<proc>/<pid>/status`. `undefined` when it cannot be read
 * (no /proc on this system, or the process is gone).
 */
export function readPeakRssKb(pid: number, proc = "/proc"): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`${proc}/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Value conversion.

function clean(value: unknown): unknown {
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(clean);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = clean(v);
    return out;
  }
  return value;
}

function toStruct(props: PropertyMap): Struct {
  return Struct.fromJavaScript(clean(props) as Record<string, never>);
}

function fromStruct(s: Struct | undefined): PropertyMap {
  return (s?.toJavaScript() ?? {}) as PropertyMap;
}

function parseInitFailure(err: grpc.ServiceError): InitFailure | undefined {
  const bin = err.metadata?.get("grpc-status-details-bin")[0];
  if (!bin || typeof bin === "string") return undefined;
  try {
    const status = statusproto.Status.deserializeBinary(new Uint8Array(bin));
    for (const any of status.getDetailsList()) {
      if (any.getTypeName() !== "pulumirpc.ErrorResourceInitFailed") continue;
      const d = provproto.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
      return { id: d.getId(), properties: fromStruct(d.getProperties()), reasons: d.getReasonsList() };
    }
  } catch {
    // not a status we understand
  }
  return undefined;
}

const DIFF_NAMES: Record<number, DiffChanges> = {
  [provproto.DiffResponse.DiffChanges.DIFF_UNKNOWN]: "DIFF_UNKNOWN",
  [provproto.DiffResponse.DiffChanges.DIFF_NONE]: "DIFF_NONE",
  [provproto.DiffResponse.DiffChanges.DIFF_SOME]: "DIFF_SOME",
};

type Unary<Req, Res> = (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown;

// ---------------------------------------------------------------------------------------------------------------

export class PluginClient {
  readonly pid: number;
  readonly project: string;
  readonly stack: string;
  readonly port: number;
  /** Resolves when the plugin process has exited and its output is read to the end. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private readonly out: string[];
  private readonly err: string[];
  private readonly lineListeners: Set<() => void>;
  private readonly lineSeq: { n: number };
  private readonly counts: Record<string, number> = {};
  private configured?: Promise<ConfigureResult>;
  private acceptSecrets = false;
  private peakKb = 0;
  private stopping?: Promise<void>;

  /** @internal use {@link startPlugin} */
  constructor(
    private readonly child: ChildProcess,
    private readonly client: provrpc.ResourceProviderClient,
    init: {
      port: number;
      project: string;
      stack: string;
      out: string[];
      err: string[];
      exited: PluginClient["exited"];
      lineListeners: Set<() => void>;
      lineSeq: { n: number };
    },
  ) {
    this.pid = child.pid!;
    this.port = init.port;
    this.project = init.project;
    this.stack = init.stack;
    this.out = init.out;
    this.err = init.err;
    this.exited = init.exited;
    this.lineListeners = init.lineListeners;
    this.lineSeq = init.lineSeq;
  }

  /** `urn:pulumi:<stack>::<project>::<type>::<name>` (a resource without parent). */
  urn(type: string, name: string): string {
    return `urn:pulumi:${this.stack}::${this.project}::${type}::${name}`;
  }

  /** URN of the default provider the engine configures for dynamic resources. */
  get providerUrn(): string {
    return this.urn(PROVIDER_TYPE, "default");
  }

  /** Plugin stdout after the port line: `console.log` from provider methods, shown by `pulumi up`. */
  stdout(): string[] {
    return [...this.out];
  }

  /** Plugin stderr: `console.error` from provider methods and the plugin's own error traces. */
  stderr(): string[] {
    return [...this.err];
  }

  clearOutput(): void {
    this.out.length = 0;
    this.err.length = 0;
  }

  /**
   * Waits for a line (substring or RegExp) on the plugin's stdout or stderr, already captured or still to come.
   * Output and RPC responses travel on different pipes: a line a method printed may arrive after its response.
   */
  waitForOutput(
    match: string | RegExp,
    opts: { stream?: "stdout" | "stderr"; timeoutMs?: number } = {},
  ): Promise<string> {
    const lines = opts.stream === "stderr" ? this.err : this.out;
    const test = (l: string) => (typeof match === "string" ? l.includes(match) : match.test(l));
    const found = lines.find(test);
    if (found !== undefined) return Promise.resolve(found);
    const timeoutMs = opts.timeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const listener = () => {
        const hit = lines.find(test);
        if (hit === undefined) return;
        cleanup();
        resolve(hit);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(`no ${opts.stream ?? "stdout"} line matching ${String(match)} within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.lineListeners.delete(listener);
      };
      this.lineListeners.add(listener);
    });
  }

  /** Resolves once no output line has arrived for `quietMs` (for asserting that something was NOT printed). */
  async settleOutput(quietMs = 50): Promise<void> {
    for (;;) {
      const n = this.lineCount();
      await new Promise((r) => setTimeout(r, quietMs));
      if (this.lineCount() === n) return;
    }
  }

  private lineCount(): number {
    return this.lineSeq.n;
  }

  /** Number of RPCs sent, by method name. */
  callCounts(): Record<string, number> {
    return { ...this.counts };
  }

  /** Peak resident set size of the plugin process in kB (`VmHWM`); last known value once it has exited. */
  rssPeakKb(): number {
    this.sampleRss();
    return this.peakKb;
  }

  private sampleRss(): void {
    const kb = readPeakRssKb(this.pid);
    if (kb !== undefined) this.peakKb = Math.max(this.peakKb, kb);
  }

  private unary<Req, Res>(method: string, fn: Unary<Req, Res>, req: Req): Promise<Res> {
    this.counts[method] = (this.counts[method] ?? 0) + 1;
    return new Promise<Res>((resolve, reject) => {
      fn(req, (err, res) => {
        if (err) {
          reject(new PluginCallError(method, err.code, err.details ?? err.message, parseInitFailure(err)));
        } else {
          resolve(res);
        }
      });
    });
  }

  /** What the engine does to properties for a provider that answered `acceptSecrets: false`. */
  private wire(props: PropertyMap): Struct {
    return toStruct(this.acceptSecrets ? props : unwrapSecretsDeep(props));
  }

  private async ready(): Promise<void> {
    // The engine always configures a provider before any resource call (and waits for it).
    await (this.configured ?? this.configure({}));
  }

  private static fill<T extends { setUrn(v: string): T; setName(v: string): T; setType(v: string): T }>(
    req: T,
    urn: string,
  ): T {
    const parts = urn.split("::");
    return req
      .setUrn(urn)
      .setName(parts[parts.length - 1] ?? "")
      .setType((parts[parts.length - 2] ?? "").split("$").pop() ?? "");
  }

  /** `GetPluginInfo`: the engine calls it right after launch. Returns the plugin version. */
  async pluginInfo(): Promise<string> {
    const res = await this.unary<Empty, plugproto.PluginInfo>(
      "getPluginInfo",
      (r, cb) => this.client.getPluginInfo(r, cb),
      new Empty(),
    );
    return res.getVersion();
  }

  /**
   * `Configure` as the engine sends it for the default `pulumi-nodejs` provider: the whole stack config with
   * namespaced keys (`securid:apiKeyFile`) in `args`, values of `secretKeys` in the secret wire form;
   * the deprecated `variables` map (`pulumi-nodejs:config:<key>`, secrets in plain text); acceptSecrets,
   * acceptResources, sendsOldInputs, sendsOldInputsToDelete all true. The plugin only stores the config; it calls a
   * provider's `configure` once per provider text per process, lazily, at that text's first use. If never called,
   * the first resource call sends `configure({})` (the engine always configures before any resource call).
   */
  configure(config: Record<string, string>, secretKeys: string[] = []): Promise<ConfigureResult> {
    const secret = new Set(secretKeys);
    const args: PropertyMap = {};
    const req = PluginClient.fill(new provproto.ConfigureRequest(), this.providerUrn)
      .setId(randomUUID())
      .setAcceptsecrets(true)
      .setAcceptresources(true)
      .setSendsOldInputs(true)
      .setSendsOldInputsToDelete(true);
    const variables = req.getVariablesMap();
    for (const [k, v] of Object.entries(config)) {
      args[k] = secret.has(k) ? wrapSecret(v) : v;
      variables.set(`${PROVIDER_PKG}:config:${k}`, v);
    }
    req.setArgs(toStruct(args));
    const p = this.unary<provproto.ConfigureRequest, provproto.ConfigureResponse>(
      "configure",
      (r, cb) => this.client.configure(r, cb),
      req,
    ).then((res) => {
      this.acceptSecrets = res.getAcceptsecrets();
      return {
        acceptSecrets: res.getAcceptsecrets(),
        acceptResources: res.getAcceptresources(),
        supportsPreview: res.getSupportspreview(),
      };
    });
    this.configured = p;
    return p;
  }

  /** `Check(olds = old inputs or {}, news)`. */
  async check(urn: string, olds: PropertyMap, news: PropertyMap): Promise<CheckResult> {
    await this.ready();
    const req = PluginClient.fill(new provproto.CheckRequest(), urn)
      .setOlds(this.wire(olds))
      .setNews(this.wire(news));
    const res = await this.unary<provproto.CheckRequest, provproto.CheckResponse>(
      "check",
      (r, cb) => this.client.check(r, cb),
      req,
    );
    return {
      inputs: fromStruct(res.getInputs()),
      failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  /** `Diff(id, olds = old outputs, news = checked new inputs)`; the engine also sends `oldInputs`. */
  async diff(
    urn: string,
    id: string,
    olds: PropertyMap,
    news: PropertyMap,
    opts: { oldInputs?: PropertyMap; ignoreChanges?: string[] } = {},
  ): Promise<DiffResult> {
    await this.ready();
    const req = PluginClient.fill(new provproto.DiffRequest(), urn)
      .setId(id)
      .setOlds(this.wire(olds))
      .setNews(this.wire(news))
      .setOldInputs(this.wire(opts.oldInputs ?? {}))
      .setIgnorechangesList(opts.ignoreChanges ?? []);
    const res = await this.unary<provproto.DiffRequest, provproto.DiffResponse>(
      "diff",
      (r, cb) => this.client.diff(r, cb),
      req,
    );
    return {
      changes: DIFF_NAMES[res.getChanges()] ?? "DIFF_UNKNOWN",
      replaces: res.getReplacesList(),
      stables: res.getStablesList(),
      diffs: res.getDiffsList(),
      deleteBeforeReplace: res.getDeletebeforereplace(),
    };
  }

  /**
   * `Create(properties = checked inputs)`. NOTE: the engine never sends `preview: true` to this plugin (it answers
   * `supportsPreview: false`); the plugin ignores the flag and really calls `create`.
   */
  async create(
    urn: string,
    props: PropertyMap,
    opts: { preview?: boolean; timeout?: number } = {},
  ): Promise<CreateResult> {
    await this.ready();
    const req = PluginClient.fill(new provproto.CreateRequest(), urn)
      .setProperties(this.wire(props))
      .setPreview(opts.preview ?? false)
      .setTimeout(opts.timeout ?? 0);
    const res = await this.unary<provproto.CreateRequest, provproto.CreateResponse>(
      "create",
      (r, cb) => this.client.create(r, cb),
      req,
    );
    return { id: res.getId(), outs: fromStruct(res.getProperties()) };
  }

  /** `Read(id, properties = old outputs, inputs = old inputs)`, as `pulumi refresh` does. */
  async read(urn: string, id: string, props: PropertyMap, inputs?: PropertyMap): Promise<ReadResult> {
    await this.ready();
    const req = PluginClient.fill(new provproto.ReadRequest(), urn).setId(id).setProperties(this.wire(props));
    if (inputs) req.setInputs(this.wire(inputs));
    const res = await this.unary<provproto.ReadRequest, provproto.ReadResponse>(
      "read",
      (r, cb) => this.client.read(r, cb),
      req,
    );
    const out: ReadResult = { id: res.getId(), props: fromStruct(res.getProperties()) };
    if (res.hasInputs()) out.inputs = fromStruct(res.getInputs());
    return out;
  }

  /** `Update(id, olds = old outputs, news = checked new inputs)`; the engine also sends `oldInputs`. */
  async update(
    urn: string,
    id: string,
    olds: PropertyMap,
    news: PropertyMap,
    opts: { preview?: boolean; oldInputs?: PropertyMap; ignoreChanges?: string[]; timeout?: number } = {},
  ): Promise<UpdateResult> {
    await this.ready();
    const req = PluginClient.fill(new provproto.UpdateRequest(), urn)
      .setId(id)
      .setOlds(this.wire(olds))
      .setNews(this.wire(news))
      .setOldInputs(this.wire(opts.oldInputs ?? {}))
      .setIgnorechangesList(opts.ignoreChanges ?? [])
      .setPreview(opts.preview ?? false)
      .setTimeout(opts.timeout ?? 0);
    const res = await this.unary<provproto.UpdateRequest, provproto.UpdateResponse>(
      "update",
      (r, cb) => this.client.update(r, cb),
      req,
    );
    return { outs: fromStruct(res.getProperties()) };
  }

  /** `Delete(id, properties = old outputs)`; the engine also sends `oldInputs`. */
  async delete(
    urn: string,
    id: string,
    props: PropertyMap,
    opts: { oldInputs?: PropertyMap; timeout?: number } = {},
  ): Promise<void> {
    await this.ready();
    const req = PluginClient.fill(new provproto.DeleteRequest(), urn)
      .setId(id)
      .setProperties(this.wire(props))
      .setOldInputs(this.wire(opts.oldInputs ?? {}))
      .setTimeout(opts.timeout ?? 0);
    await this.unary("delete", (r: provproto.DeleteRequest, cb) => this.client.delete(r, cb), req);
  }

  /** Kills the plugin (SIGTERM, then SIGKILL after 2 s) and waits for it to exit. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.sampleRss();
      this.client.close();
      if (this.child.exitCode === null && this.child.signalCode === null) {
        this.child.kill("SIGTERM");
        const timer = setTimeout(() => this.child.kill("SIGKILL"), 2000);
        await this.exited;
        clearTimeout(timer);
      }
    })();
    return this.stopping;
  }
}

/** Splits a child process's output into lines (without `\r`), the last one at `end()`. */
export function lineSplitter(sink: (line: string) => void): { push(chunk: string): void; end(): void } {
  let buf = "";
  return {
    push(chunk) {
      buf += chunk;
      let i: number;
      while ((i = buf.indexOf("\n")) >= 0) {
        sink(buf.slice(0, i).replace(/\r$/, ""));
        buf = buf.slice(i + 1);
      }
    },
    end() {
      if (buf.length > 0) sink(buf);
      buf = "";
    },
  };
}

/** Spawns the real dynamic-provider plugin and connects a `ResourceProvider` gRPC client to it. */
export async function startPlugin(opts: StartPluginOptions): Promise<PluginClient> {
  const project = opts.project ?? "securid-e2e";
  const stack = opts.stack ?? "dev";
  let script = opts.pluginPath;
  if (!script) {
    try {
      script = require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [opts.cwd] });
    } catch {
      throw new Error(
        `@pulumi/pulumi is not resolvable from ${opts.cwd}: the real launcher would fail too (pass pluginPath)`,
      );
    }
  }
  // What the engine adds to the user's environment for the pulumi-nodejs plugin (provider_plugin.go NewProvider;
  // PULUMI_CONFIG holds only the `pulumi-nodejs:` namespace of the stack config, see host.go Provider).
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULUMI_NODEJS_PROJECT: project,
    PULUMI_PROJECT: project,
    PULUMI_CONFIG: "{}",
    ...opts.env,
  };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];

  const args = [
    ...(opts.orphanGuard === false ? [] : ["--import", ORPHAN_GUARD]),
    script,
    opts.engineAddress ?? "127.0.0.1:0",
  ];
  const child = spawn(opts.nodePath ?? process.execPath, args, {
    cwd: opts.cwd,
    env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  track(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolve({ code: child.exitCode, signal: child.signalCode });
    // "close": the process has exited and its stdout and stderr are read to the end.
    child.once("close", (code, signal) => resolve({ code, signal }));
  });

  const out: string[] = [];
  const err: string[] = [];
  const lineListeners = new Set<() => void>();
  const lineSeq = { n: 0 };
  const notify = () => {
    lineSeq.n++;
    for (const l of [...lineListeners]) l();
  };
  let portLine: string | undefined;
  let onPort: ((line: string) => void) | undefined;
  const outSplit = lineSplitter((line) => {
    if (portLine === undefined) {
      portLine = line;
      onPort?.(line);
    } else {
      out.push(line);
      notify();
    }
  });
  const errSplit = lineSplitter((line) => {
    err.push(line);
    notify();
  });
  child.stdout!.setEncoding("utf8").on("data", (c: string) => outSplit.push(c));
  child.stderr!.setEncoding("utf8").on("data", (c: string) => errSplit.push(c));
  child.stdout!.on("end", () => outSplit.end());
  child.stderr!.on("end", () => errSplit.end());
  child.stdin!.on("error", () => undefined);

  const timeoutMs = opts.startTimeoutMs ?? 30_000;
  let line: string;
  try {
    line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`plugin printed no port within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const done = (f: () => void) => {
        clearTimeout(timer);
        f();
      };
      onPort = (l) => done(() => resolve(l));
      child.once("error", (e) => done(() => reject(e)));
      void exited.then(({ code, signal }) =>
        done(() =>
          reject(new Error(`plugin exited (code ${code}, signal ${signal}) before printing its port`)),
        ),
      );
    });
  } catch (e) {
    child.kill("SIGKILL");
    await exited;
    const detail = err.length > 0 ? `\n${err.join("\n")}` : "";
    throw new Error(`${(e as Error).message}${detail}`, { cause: e });
  }
  const port = Number(line.trim());
  if (!Number.isInteger(port) || port <= 0) {
    child.kill("SIGKILL");
    await exited;
    throw new Error(`unexpected first line from plugin: ${JSON.stringify(line)}`);
  }

  const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    "grpc.max_receive_message_length": MAX_RPC_MESSAGE_SIZE,
    "grpc.max_send_message_length": MAX_RPC_MESSAGE_SIZE,
  });
  return new PluginClient(child, client, { port, project, stack, out, err, exited, lineListeners, lineSeq });
}
