/**
 * One `pulumi up` or `pulumi preview` as seen from the resource monitor: each registration of the program becomes
 * steps (pulumi/pulumi `pkg/resource/deploy/step_generator.go`): check (with the old inputs), diff (the engine's own
 * input diff when the provider cannot tell), then create, update, replace (create-before-delete unless
 * deleteBeforeReplace), or same; run by the {@link StepExecutor}. Once the program has finished, the resources it
 * no longer declares are deleted in reverse dependency order. During a preview nothing is created, updated, deleted
 * or read: the answers carry the checked inputs.
 *
 * Check and diff run one registration at a time, as the engine's step generator does; the steps themselves run
 * concurrently.
 */
import { randomUUID } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import { generateAliases } from "./aliases";
import type { ResourceRecord } from "./checkpoint";
import { renameReferences } from "./checkpoint";
import { deleteInReverseDependencyOrder } from "./deletes";
import { annotateSecrets } from "./engine";
import { changedInputKeys, deepEqual, markSecretOutputs, processIgnoreChanges } from "./engine-rules";
import { CancelledError, type StepExecutor } from "./executor";
import {
  MonitorError,
  type LogEntry,
  type MonitorHandler,
  type Registration,
  type RegistrationAnswer,
} from "./monitor";
import { PluginCallError, type DiffResult, type PropertyMap } from "./plugin";
import type { ProviderSession } from "./provider-session";
import { goPropertyValue } from "./render";
import type { Diagnostic, StepOp, StepRecord } from "./results";
import { UNKNOWN, unwrapSecretsDeep } from "./secrets";
import { ROOT_STACK_TYPE, createUrn } from "./urn";

/** Type of the engine's default provider resource for dynamic resources. */
export const DEFAULT_PROVIDER_TYPE = "pulumi:providers:pulumi-nodejs";

export interface DeploymentOptions {
  /** Preview: check and diff only. */
  dryRun: boolean;
  project: string;
  stack: string;
  /** The state before the operation (after the refresh of `up --refresh`). */
  base: readonly ResourceRecord[];
  provider: ProviderSession;
  executor: StepExecutor;
  /** Keep the program's debug messages (`pulumi up --debug`). */
  debug?: boolean;
}

/** A failure already reported as a diagnostic: the deployment stops, the registration is not answered. */
export class StepFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StepFailedError";
  }
}

/** `plugin.InitError.Error()`: the reasons as hashicorp/go-multierror lists them, or "resource init failed". */
export function initErrorMessage(reasons: readonly string[]): string {
  if (reasons.length === 0) return "resource init failed";
  if (reasons.length === 1) return `1 error occurred:\n\t* ${reasons[0]}\n\n`;
  return `${reasons.length} errors occurred:\n\t${reasons.map((r) => `* ${r}`).join("\n\t")}\n\n`;
}

const unavailable = (what: string) =>
  new MonitorError(grpc.status.UNAVAILABLE, `resource monitor shut down while ${what}`);

export class Deployment implements MonitorHandler {
  readonly steps: StepRecord[] = [];
  readonly diagnostics: Diagnostic[] = [];
  /** The stack's outputs once {@link finalizeStackOutputs} ran (undefined if the program registered none). */
  stackOutputs?: PropertyMap;
  private pendingStackOutputs?: PropertyMap;
  /** The program called SignalAndWaitForShutdown (it finished without error). */
  signalled = false;

  private readonly dryRun: boolean;
  private readonly exec: StepExecutor;
  private readonly provider: ProviderSession;
  /** Old resources by URN (those pending deletion are not found by URN). */
  private readonly olds = new Map<string, ResourceRecord>();
  /** New resources in the order their steps completed. */
  private readonly news = new Map<string, ResourceRecord>();
  /** URNs registered so far (sg.urns). */
  private readonly urns = new Set<string>();
  /** Old URN -> the new URN that claimed it through an alias (sg.aliased). */
  private readonly aliased = new Map<string, string>();
  /** New URN -> the old URN its alias matched (sg.aliases), so children of a renamed parent follow it. */
  private readonly parentAliases = new Map<string, string>();
  /** Old records a new one took the place of. */
  private readonly superseded = new Set<ResourceRecord>();
  /** Old halves of create-before-delete replacements, deleted with the other deletes. */
  private readonly replacedOlds: ResourceRecord[] = [];
  /** Old records deleted during this operation. */
  private readonly deleted = new Set<ResourceRecord>();
  private generator: Promise<unknown> = Promise.resolve();
  private providerRef?: Promise<string>;
  private finishing?: Promise<void>;

  constructor(private readonly opts: DeploymentOptions) {
    this.dryRun = opts.dryRun;
    this.exec = opts.executor;
    this.provider = opts.provider;
    for (const r of opts.base) if (!r.delete) this.olds.set(r.urn, r);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Resource monitor.

  async registerResource(reg: Registration): Promise<RegistrationAnswer> {
    if (this.exec.cancelled) throw unavailable("sending resource registration");
    const generated = this.generator.then(() => this.generate(reg));
    this.generator = generated.catch((e: unknown) => this.exec.cancel(e));
    const work = generated.then((g) => g.done);
    this.exec.track(work);
    const outcome = await Promise.race([
      work.then(
        (answer) => ({ answer }),
        () => ({ failed: true }),
      ),
      this.exec.whenCancelled().then(() => ({ failed: true })),
    ]);
    if ("answer" in outcome) return outcome.answer;
    // The engine cancels the deployment: every registration still waiting is refused.
    throw unavailable("waiting on step's done channel");
  }

  async registerResourceOutputs(urn: string, outputs: PropertyMap): Promise<void> {
    if (this.exec.cancelled) throw unavailable("registering resource outputs");
    const record = this.news.get(urn);
    if (!record) throw new MonitorError(grpc.status.NOT_FOUND, `unknown resource ${urn}`);
    // The stack's outputs are kept for the end, when it is known whether the deployment succeeded.
    if (record.type === ROOT_STACK_TYPE && !record.parent) this.pendingStackOutputs = outputs;
    else record.outputs = outputs;
  }

  async signalAndWaitForShutdown(): Promise<void> {
    this.signalled = true;
    await this.finish();
  }

  log(entry: LogEntry): void {
    // The CLI shows neither ephemeral messages nor debug ones (without --debug).
    if (entry.ephemeral || (entry.severity === "debug" && !this.opts.debug)) return;
    const d: Diagnostic = { severity: entry.severity, message: entry.message, source: "program" };
    if (entry.urn) d.urn = entry.urn;
    this.diagnostics.push(d);
  }

  // ---------------------------------------------------------------------------------------------------------
  // End of the deployment.

  /**
   * The program has finished without error: waits for every step, then runs the deletes (or, in a preview, lists
   * them). Rejects when the deployment failed. Idempotent.
   */
  finish(): Promise<void> {
    this.finishing ??= (async () => {
      await this.drain();
      if (this.exec.cancelled) throw unavailable("waiting for shutdown");
      await this.deletes();
      if (this.exec.cancelled) throw unavailable("deleting resources");
    })();
    return this.finishing;
  }

  /** Waits until no registration is being generated and no step is running. */
  async drain(): Promise<void> {
    for (;;) {
      const generator = this.generator;
      await generator;
      await this.exec.drain();
      if (generator === this.generator) return;
    }
  }

  /**
   * Records the outputs the program registered on its `pulumi:pulumi:Stack` (step_executor.go
   * executeRegisterResourceOutputs, finalizing): as they are when the deployment succeeded; after an error, merged
   * over the old ones, since an output missing then does not mean it was removed.
   */
  finalizeStackOutputs(errored: boolean): void {
    const root = [...this.news.values()].find((r) => r.type === ROOT_STACK_TYPE && !r.parent);
    if (!root || this.pendingStackOutputs === undefined) return;
    const old = this.olds.get(root.urn)?.outputs ?? {};
    root.outputs = errored ? { ...old, ...this.pendingStackOutputs } : this.pendingStackOutputs;
    this.stackOutputs = root.outputs;
  }

  /** The state after the operation (meaningful for `up`; a preview changes nothing). */
  newState(): ResourceRecord[] {
    const out: ResourceRecord[] = [...this.news.values()];
    for (const r of this.replacedOlds) if (!this.deleted.has(r)) out.push({ ...r, delete: true });
    for (const r of this.opts.base) {
      if (this.superseded.has(r) || this.deleted.has(r) || this.replacedOlds.includes(r)) continue;
      out.push(r);
    }
    renameReferences(out, this.aliased);
    return out;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Step generation.

  private error(urn: string | undefined, message: string): StepFailedError {
    const d: Diagnostic = { severity: "error", message, source: "engine" };
    if (urn) d.urn = urn;
    this.diagnostics.push(d);
    return new StepFailedError(message);
  }

  private step(record: ResourceRecord, op: StepOp, extra: Partial<StepRecord> = {}): void {
    this.steps.push({ urn: record.urn, type: record.type, name: record.name, op, ...extra });
  }

  private commit(record: ResourceRecord, old: ResourceRecord | undefined): void {
    this.news.set(record.urn, record);
    if (old) this.superseded.add(old);
  }

  private answer(record: ResourceRecord): RegistrationAnswer {
    return { urn: record.urn, id: record.custom ? (record.id ?? "") : "", object: record.outputs };
  }

  /** getOldResource: the old state under the resource's URN, else under the first alias that matches. */
  private findOld(urn: string, reg: Registration): { old?: ResourceRecord; aliasedFrom?: string } {
    const aliases = generateAliases(
      { stack: this.opts.stack, project: this.opts.project, parentAliases: this.parentAliases },
      reg.name,
      reg.type,
      reg.parent,
      reg.aliases,
    );
    const previous = this.aliased.get(urn);
    if (previous !== undefined) {
      throw this.error(
        urn,
        `Duplicate resource URN '${urn}' conflicting with alias on resource with URN '${previous}'`,
      );
    }
    for (const candidate of [urn, ...aliases]) {
      const old = this.olds.get(candidate);
      if (!old) continue;
      if (candidate === urn) return { old };
      const claimedBy = this.urns.has(candidate) ? urn : this.aliased.get(candidate);
      if (claimedBy !== undefined) {
        throw this.error(
          urn,
          `Duplicate resource alias '${candidate}' applied to resource with URN '${urn}' conflicting with resource with URN '${claimedBy}'`,
        );
      }
      this.aliased.set(candidate, urn);
      this.parentAliases.set(urn, candidate);
      return { old, aliasedFrom: candidate };
    }
    return {};
  }

  /** Turns one registration into the step to run; resolves once check and diff are done. */
  private async generate(reg: Registration): Promise<{ done: Promise<RegistrationAnswer> }> {
    if (this.exec.cancelled) throw new CancelledError();
    const urn = createUrn(this.opts.stack, this.opts.project, reg.parent, reg.type, reg.name);
    if (this.urns.has(urn))
      throw this.error(urn, `Duplicate resource URN '${urn}'; try giving it a unique name`);
    this.urns.add(urn);
    if (reg.parent && !this.urns.has(reg.parent))
      throw this.error(undefined, `could not find parent resource ${reg.parent}`);
    const { old, aliasedFrom } = this.findOld(urn, reg);

    const record: ResourceRecord = {
      urn,
      type: reg.type,
      name: reg.name,
      custom: reg.custom,
      inputs: reg.object,
      outputs: {},
      dependencies: reg.dependencies,
    };
    if (reg.parent) record.parent = reg.parent;
    if (Object.keys(reg.propertyDependencies).length > 0)
      record.propertyDependencies = reg.propertyDependencies;
    if (reg.additionalSecretOutputs.length > 0) record.additionalSecretOutputs = reg.additionalSecretOutputs;
    if (aliasedFrom) record.aliases = [aliasedFrom];
    const extra: Partial<StepRecord> = aliasedFrom ? { aliasedFrom } : {};

    if (!reg.custom) {
      // A component: no provider; its inputs are compared by the engine, its outputs come with
      // RegisterResourceOutputs.
      const op: StepOp = !old
        ? "create"
        : deepEqual(unwrapSecretsDeep(old.inputs), unwrapSecretsDeep(record.inputs))
          ? "same"
          : "update";
      return {
        done: this.exec.run(async () => {
          record.outputs = old?.outputs ?? {};
          this.commit(record, old);
          this.step(record, op, extra);
          return this.answer(record);
        }),
      };
    }

    record.provider = await this.defaultProvider();
    const goal = reg.object;
    const news = old ? processIgnoreChanges(goal, old.inputs, reg.ignoreChanges) : goal;
    record.inputs = await this.check(record, old ? old.inputs : {}, news, goal);
    if (!old) return { done: this.exec.run(() => this.create(record, undefined, "create", extra)) };

    const diff = await this.diff(record, old, reg.ignoreChanges);
    // Without a detailed diff from the provider, the CLI shows the inputs that differ (internal keys left out).
    extra.diffs =
      diff.diffs.length > 0
        ? diff.diffs
        : changedInputKeys(old.inputs, record.inputs).filter((k) => !k.startsWith("__"));
    if (diff.replaces.length > 0) extra.replaces = diff.replaces;
    if (diff.changes === "DIFF_SOME" && diff.replaces.length > 0) {
      // A replacement recomputes the defaults: check again without the old inputs.
      record.inputs = await this.check(record, {}, goal, goal);
      const dbr = reg.deleteBeforeReplace ?? diff.deleteBeforeReplace;
      return {
        done: this.exec.run(() => this.replace(record, old, dbr, { ...extra, deleteBeforeReplace: dbr })),
      };
    }
    // No change but an earlier create/update left init errors: an update "continues" the initialization.
    if (diff.changes === "DIFF_SOME" || (old.initErrors?.length ?? 0) > 0) {
      return { done: this.exec.run(() => this.update(record, old, reg.ignoreChanges, extra)) };
    }
    delete extra.diffs;
    return {
      done: this.exec.run(async () => {
        record.id = old.id;
        record.outputs = old.outputs;
        this.commit(record, old);
        this.step(record, "same", extra);
        return this.answer(record);
      }),
    };
  }

  /** The default `pulumi-nodejs` provider: registered (and the plugin configured) before its first resource. */
  private defaultProvider(): Promise<string> {
    this.providerRef ??= (async () => {
      const urn = this.provider.providerUrn;
      const old = this.olds.get(urn);
      const record: ResourceRecord = old
        ? { ...old }
        : {
            urn,
            type: DEFAULT_PROVIDER_TYPE,
            name: "default",
            custom: true,
            id: this.dryRun ? UNKNOWN : randomUUID(),
            inputs: {},
            outputs: {},
            dependencies: [],
          };
      this.urns.add(urn);
      try {
        await this.provider.plugin();
      } catch (e) {
        throw this.error(undefined, `could not start the dynamic-provider plugin: ${(e as Error).message}`);
      }
      this.commit(record, old);
      return `${urn}::${record.id}`;
    })();
    return this.providerRef;
  }

  private async check(
    record: ResourceRecord,
    olds: PropertyMap,
    news: PropertyMap,
    goal: PropertyMap,
  ): Promise<PropertyMap> {
    let r;
    try {
      r = await this.provider.check(record.urn, olds, news);
    } catch (e) {
      throw this.error(record.urn, (e as Error).message);
    }
    if (r.failures.length === 0) return r.inputs;
    // issueCheckFailures: the value shown is the program's (goal) input.
    for (const f of r.failures) {
      this.error(
        record.urn,
        f.property
          ? `${record.type} resource '${record.name}': property ${f.property} value ${goPropertyValue(goal[f.property])} has a problem: ${f.reason}`
          : `${record.type} resource '${record.name}' has a problem: ${f.reason}`,
      );
    }
    throw new StepFailedError(`resource ${record.urn} is invalid`);
  }

  /** diffResource: the provider's diff; DIFF_UNKNOWN becomes the engine's own diff of the inputs. */
  private async diff(
    record: ResourceRecord,
    old: ResourceRecord,
    ignoreChanges: string[],
  ): Promise<DiffResult> {
    let diff: DiffResult;
    try {
      diff = await this.provider.diff(
        record.urn,
        old.id ?? "",
        old.outputs,
        record.inputs,
        old.inputs,
        ignoreChanges,
      );
    } catch (e) {
      throw this.error(record.urn, (e as Error).message);
    }
    if (diff.changes === "DIFF_UNKNOWN") {
      const changed = changedInputKeys(
        old.inputs,
        processIgnoreChanges(record.inputs, old.inputs, ignoreChanges),
      );
      diff = { ...diff, changes: changed.length > 0 ? "DIFF_SOME" : "DIFF_NONE", diffs: changed };
    }
    return diff;
  }

  /** Outputs as the step executor stores them: annotated by the provider call, then secret-marked. */
  private outputs(record: ResourceRecord, outs: PropertyMap): PropertyMap {
    return markSecretOutputs(outs, record.inputs, record.additionalSecretOutputs);
  }

  /** A create/update that created the resource but reported init errors: recorded, and the deployment fails. */
  private recordInitFailure(
    record: ResourceRecord,
    old: ResourceRecord | undefined,
    e: PluginCallError,
  ): Error {
    const failure = e.initFailure!;
    record.id = failure.id;
    record.outputs = this.outputs(record, annotateSecrets({ ...failure.properties }, record.inputs));
    if (failure.reasons.length > 0) record.initErrors = failure.reasons;
    else delete record.initErrors;
    this.commit(record, old);
    return this.error(record.urn, initErrorMessage(failure.reasons));
  }

  private async create(
    record: ResourceRecord,
    old: ResourceRecord | undefined,
    op: "create" | "replace",
    extra: Partial<StepRecord>,
  ): Promise<RegistrationAnswer> {
    if (this.dryRun) {
      // The plugin does not support previews: the engine answers with the checked inputs.
      record.outputs = this.outputs(record, { ...record.inputs });
    } else {
      try {
        const { id, outs } = await this.provider.create(record.urn, record.inputs);
        record.id = id;
        record.outputs = this.outputs(record, outs);
      } catch (e) {
        this.step(record, op, { ...extra, failed: true });
        if (e instanceof PluginCallError && e.initFailure?.id) throw this.recordInitFailure(record, old, e);
        throw this.error(record.urn, (e as Error).message);
      }
    }
    this.commit(record, old);
    this.step(record, op, extra);
    return this.answer(record);
  }

  private async update(
    record: ResourceRecord,
    old: ResourceRecord,
    ignoreChanges: string[],
    extra: Partial<StepRecord>,
  ): Promise<RegistrationAnswer> {
    record.id = old.id;
    if (this.dryRun) {
      record.outputs = this.outputs(record, { ...record.inputs });
    } else {
      try {
        const outs = await this.provider.update(
          record.urn,
          old.id ?? "",
          old.outputs,
          record.inputs,
          old.inputs,
          ignoreChanges,
        );
        record.outputs = this.outputs(record, outs);
      } catch (e) {
        this.step(record, "update", { ...extra, failed: true });
        if (e instanceof PluginCallError && e.initFailure?.id) throw this.recordInitFailure(record, old, e);
        // A plain error: the old state stays.
        throw this.error(record.urn, (e as Error).message);
      }
    }
    this.commit(record, old);
    this.step(record, "update", extra);
    return this.answer(record);
  }

  private async replace(
    record: ResourceRecord,
    old: ResourceRecord,
    deleteBeforeReplace: boolean,
    extra: Partial<StepRecord>,
  ): Promise<RegistrationAnswer> {
    if (!deleteBeforeReplace) {
      const answer = await this.create(record, old, "replace", extra);
      this.replacedOlds.push(old);
      return answer;
    }
    if (!this.dryRun) {
      try {
        await this.provider.delete(old.urn, old.id ?? "", old.outputs, old.inputs);
      } catch (e) {
        this.step(old, "delete-replaced", { failed: true });
        throw this.error(old.urn, (e as Error).message);
      }
    }
    this.deleted.add(old);
    this.superseded.add(old);
    this.step(old, "delete-replaced");
    return this.create(record, old, "replace", extra);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Deletes.

  /** What the old state has that the program did not declare, and the old halves of replacements. */
  private deleteCandidates(): ResourceRecord[] {
    const pending = this.opts.base.filter((r) => r.delete && !this.deleted.has(r));
    const unclaimed = this.opts.base.filter(
      (r) => !r.delete && !this.superseded.has(r) && !this.deleted.has(r) && !this.aliased.has(r.urn),
    );
    return [...pending, ...this.replacedOlds.filter((r) => !this.deleted.has(r)), ...unclaimed];
  }

  private async deletes(): Promise<void> {
    const candidates = this.deleteCandidates();
    const replaced = new Set(this.replacedOlds);
    const shown = (r: ResourceRecord) => r.type !== DEFAULT_PROVIDER_TYPE;
    if (this.dryRun) {
      for (const r of candidates) if (shown(r) && !replaced.has(r)) this.step(r, "delete");
      return;
    }
    await deleteInReverseDependencyOrder(candidates, this.exec, async (r) => {
      const op: StepOp = replaced.has(r) ? "delete-replaced" : "delete";
      if (r.custom && r.type !== DEFAULT_PROVIDER_TYPE) {
        try {
          await this.provider.delete(r.urn, r.id ?? "", r.outputs, r.inputs);
        } catch (e) {
          this.step(r, op, { failed: true });
          throw this.error(r.urn, (e as Error).message);
        }
      }
      this.deleted.add(r);
      if (shown(r)) this.step(r, op);
    });
  }
}
