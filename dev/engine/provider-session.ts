/**
 * One dynamic-provider plugin process for one operation, as the CLI starts one per deployment for the default
 * `pulumi-nodejs` provider (started on first use, configured with the stack config, stopped at the end), and the
 * engine's side of each provider call (pulumi/pulumi `pkg/resource/plugin/provider_plugin.go`): secrets unwrapped
 * for a provider that does not accept them, and the outputs re-marked secret where an input of the same name was.
 * Every call is recorded, in the order sent.
 */
import { annotateSecrets } from "./engine";
import {
  startPlugin,
  type CheckResult,
  type DiffResult,
  type PluginClient,
  type PropertyMap,
  type ReadResult,
} from "./plugin";
import type { ProviderCall } from "./results";

export interface ProviderSessionOptions {
  /** The program's directory: the plugin's working directory. */
  cwd: string;
  project: string;
  stack: string;
  env?: NodeJS.ProcessEnv;
  /** The whole stack config, namespaced keys, string values. */
  config: Record<string, string>;
  secretKeys: string[];
}

export class ProviderSession {
  readonly calls: ProviderCall[] = [];
  private spawned?: Promise<PluginClient>;
  private started?: Promise<PluginClient>;
  private client?: PluginClient;

  constructor(private readonly opts: ProviderSessionOptions) {}

  /** The plugin's pid once started. */
  get pid(): number | undefined {
    return this.client?.pid;
  }

  get providerUrn(): string {
    return `urn:pulumi:${this.opts.stack}::${this.opts.project}::pulumi:providers:pulumi-nodejs::default`;
  }

  /**
   * Starts the plugin process without configuring it, so that it loads while the program does (the engine would
   * start it at the first registration that needs it; only the timing differs).
   */
  prewarm(): void {
    void this.process().catch(() => undefined);
  }

  private process(): Promise<PluginClient> {
    this.spawned ??= startPlugin({
      cwd: this.opts.cwd,
      project: this.opts.project,
      stack: this.opts.stack,
      env: this.opts.env,
    }).then((client) => (this.client = client));
    return this.spawned;
  }

  /** The plugin, started and configured (with the whole stack config) on first use. */
  plugin(): Promise<PluginClient> {
    this.started ??= (async () => {
      const client = await this.process();
      this.calls.push({ method: "configure", urn: this.providerUrn });
      await client.configure(this.opts.config, this.opts.secretKeys);
      return client;
    })();
    return this.started;
  }

  /** Lines the provider methods printed (after the port line). */
  output(): { stdout: string[]; stderr: string[] } {
    return { stdout: this.client?.stdout() ?? [], stderr: this.client?.stderr() ?? [] };
  }

  /** How the plugin process ended, once {@link stop} returned (undefined if it never started). */
  exit?: { code: number | null; signal: NodeJS.Signals | null };

  /**
   * Peak resident set size of the plugin process in bytes (`VmHWM`, read just before it is stopped), once
   * {@link stop} returned; undefined if it never started, or where /proc does not exist.
   */
  peakRssBytes?: number;

  /** Stops the plugin (if it was started) and waits until its output is read to the end. */
  async stop(): Promise<void> {
    if (!this.spawned) return;
    const client = await this.spawned.catch(() => undefined);
    if (!client) return;
    await client.stop(); // reads VmHWM before the signal
    const peakKb = client.rssPeakKb();
    if (peakKb > 0) this.peakRssBytes = peakKb * 1024;
    this.exit = await client.exited;
  }

  private record(method: ProviderCall["method"], urn: string): void {
    this.calls.push({ method, urn });
  }

  async check(urn: string, olds: PropertyMap, news: PropertyMap): Promise<CheckResult> {
    const plugin = await this.plugin();
    this.record("check", urn);
    const r = await plugin.check(urn, olds, news);
    annotateSecrets(r.inputs, news);
    return r;
  }

  async diff(
    urn: string,
    id: string,
    oldOutputs: PropertyMap,
    newInputs: PropertyMap,
    oldInputs: PropertyMap,
    ignoreChanges: string[],
  ): Promise<DiffResult> {
    const plugin = await this.plugin();
    this.record("diff", urn);
    return plugin.diff(urn, id, oldOutputs, newInputs, { oldInputs, ignoreChanges });
  }

  async create(urn: string, inputs: PropertyMap): Promise<{ id: string; outs: PropertyMap }> {
    const plugin = await this.plugin();
    this.record("create", urn);
    const r = await plugin.create(urn, inputs);
    if (!r.id) throw new Error(`plugin returned empty resource.ID from create '${urn}'`);
    return { id: r.id, outs: annotateSecrets(r.outs, inputs) };
  }

  async update(
    urn: string,
    id: string,
    oldOutputs: PropertyMap,
    newInputs: PropertyMap,
    oldInputs: PropertyMap,
    ignoreChanges: string[],
  ): Promise<PropertyMap> {
    const plugin = await this.plugin();
    this.record("update", urn);
    const r = await plugin.update(urn, id, oldOutputs, newInputs, { oldInputs, ignoreChanges });
    return annotateSecrets(r.outs, newInputs);
  }

  async read(urn: string, id: string, outputs: PropertyMap, inputs: PropertyMap): Promise<ReadResult> {
    const plugin = await this.plugin();
    this.record("read", urn);
    const r = await plugin.read(urn, id, outputs, inputs);
    const out: ReadResult = { id: r.id, props: annotateSecrets(r.props, outputs) };
    if (r.inputs) out.inputs = annotateSecrets(r.inputs, inputs);
    return out;
  }

  async delete(urn: string, id: string, outputs: PropertyMap, inputs: PropertyMap): Promise<void> {
    const plugin = await this.plugin();
    this.record("delete", urn);
    await plugin.delete(urn, id, outputs, { oldInputs: inputs });
  }
}
