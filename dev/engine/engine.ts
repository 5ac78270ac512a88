/**
 * A one-resource "engine" over {@link PluginClient}: sequences the plugin calls the way `pulumi up`, `preview`,
 * `refresh` and `destroy` do (pulumi/pulumi `pkg/resource/deploy/step_generator.go`, `provider_plugin.go`).
 * Not modelled: parents, dependencies, aliases, protect, retainOnDelete, replaceOnChanges, partial-failure state
 * on update, checkpoint encryption.
 */
import { availableParallelism } from "node:os";
import {
  PluginCallError,
  type CheckFailure,
  type DiffResult,
  type PluginClient,
  type PropertyMap,
} from "./plugin";
import { deepEqual } from "./engine-rules";
import { isSecret, unwrapSecretsDeep, wrapSecret, containsSecrets } from "./secrets";

/** What the engine keeps in the checkpoint for one resource. */
export interface ResourceState {
  urn: string;
  id: string;
  inputs: PropertyMap;
  outputs: PropertyMap;
}

/** What the program registers: `new dynamic.Resource(provider, name, inputs, opts, module, type)`. */
export interface ResourceGoal {
  /** e.g. `pulumi-nodejs:dynamic/securid:UserStatus` (see {@link dynamicType}). */
  type: string;
  name: string;
  /** Inputs including `__provider` (see `serializeProvider`). Secret inputs in the wire form (`wrapSecret`). */
  inputs: PropertyMap;
  /** Resource option `deleteBeforeReplace`. */
  deleteBeforeReplace?: boolean;
  /** Resource option `ignoreChanges` (top-level keys only here). */
  ignoreChanges?: string[];
}

export type UpOp = "create" | "update" | "replace" | "same";

export interface UpResult {
  op: UpOp;
  state: ResourceState;
  /** The provider's diff (absent for a create). */
  diff?: DiffResult;
  /** The state that was deleted by a replace. */
  replaced?: ResourceState;
  durationMs: number;
}

export interface PreviewResult {
  /** "invalid": check failed, the engine stops there for this resource. */
  op: UpOp | "invalid";
  /** Non-empty: `pulumi preview` reports these and the resource would not be created/updated. */
  failures: CheckFailure[];
  /** Checked inputs (for a replace: re-checked without olds). */
  inputs: PropertyMap;
  diff?: DiffResult;
}

/** Thrown by `up` when `check` returns failures; `message` mimics the engine's diagnostics. */
export class CheckFailedError extends Error {
  constructor(
    readonly urn: string,
    readonly failures: CheckFailure[],
    message: string,
  ) {
    super(message);
    this.name = "CheckFailedError";
  }
}

/** Thrown by `up` when the provider's create/update failed but reported the resource id (partial failure). */
export class PartialFailureError extends Error {
  constructor(
    readonly error: PluginCallError,
    /** What the engine records in state despite the error. */
    readonly state: ResourceState,
  ) {
    super(error.message);
    this.name = "PartialFailureError";
  }
}

/** Type token of `new dynamic.Resource(provider, name, props, opts, module, type)`. */
export function dynamicType(module: string | undefined, type = "Resource"): string {
  return `pulumi-nodejs:dynamic${module ? `/${module}` : ""}:${type}`;
}

/** One RPC as sequenced by the engine (for asserting order). */
export interface EngineCall {
  method: "check" | "diff" | "create" | "read" | "update" | "delete";
  urn: string;
  id?: string;
}

/** Engine's `annotateSecrets`: re-mark as secret what the provider could not see as secret. Mutates `outs`. */
export function annotateSecrets(outs: PropertyMap, ins: PropertyMap): PropertyMap {
  for (const [k, inValue] of Object.entries(ins)) {
    if (!(k in outs)) continue;
    const outValue = outs[k];
    const isObj = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v) && !isSecret(v);
    if (isObj(outValue) && isObj(inValue)) annotateSecrets(outValue, inValue);
    else if (!isSecret(outValue) && containsSecrets(inValue)) outs[k] = wrapSecret(outValue);
  }
  return outs;
}

function formatValue(v: unknown): string {
  try {
    return JSON.stringify(v) ?? "undefined";
  } catch {
    return String(v);
  }
}

export class Engine {
  /** Every provider RPC this engine made, in order of issue. */
  readonly calls: EngineCall[] = [];

  constructor(readonly plugin: PluginClient) {}

  urn(type: string, name: string): string {
    return this.plugin.urn(type, name);
  }

  private log(method: EngineCall["method"], urn: string, id?: string): void {
    this.calls.push(id === undefined ? { method, urn } : { method, urn, id });
  }

  private async check(
    goal: ResourceGoal,
    urn: string,
    olds: PropertyMap,
  ): Promise<{ inputs: PropertyMap; failures: CheckFailure[] }> {
    this.log("check", urn);
    const r = await this.plugin.check(urn, olds, goal.inputs);
    annotateSecrets(r.inputs, goal.inputs);
    return r;
  }

  private checkError(goal: ResourceGoal, urn: string, inputs: PropertyMap, failures: CheckFailure[]): Error {
    const lines = failures.map((f) =>
      f.property
        ? `${goal.type} resource '${goal.name}': property ${f.property} value ${formatValue(inputs[f.property])} has a problem: ${f.reason}`
        : `${goal.type} resource '${goal.name}' has a problem: ${f.reason}`,
    );
    return new CheckFailedError(urn, failures, lines.join("\n"));
  }

  /** Keeps old values for `ignoreChanges` keys (engine's processIgnoreChanges, top level only). */
  private applyIgnoreChanges(goal: ResourceGoal, old: ResourceState | undefined): ResourceGoal {
    if (!old || !goal.ignoreChanges?.length) return goal;
    const inputs = { ...goal.inputs };
    for (const k of goal.ignoreChanges) {
      if (k in old.inputs) inputs[k] = old.inputs[k];
      else delete inputs[k];
    }
    return { ...goal, inputs };
  }

  /** The engine's `diffResource`: provider diff, and its own input diff when the provider answers DIFF_UNKNOWN. */
  private async diff(
    goal: ResourceGoal,
    state: ResourceState,
    inputs: PropertyMap,
  ): Promise<{ diff: DiffResult; op: UpOp }> {
    this.log("diff", state.urn, state.id);
    const diff = await this.plugin.diff(state.urn, state.id, state.outputs, inputs, {
      oldInputs: state.inputs,
      ignoreChanges: goal.ignoreChanges,
    });
    let changes = diff.changes;
    if (changes === "DIFF_UNKNOWN") {
      changes = deepEqual(unwrapSecretsDeep(state.inputs), unwrapSecretsDeep(inputs))
        ? "DIFF_NONE"
        : "DIFF_SOME";
    }
    const op: UpOp = changes === "DIFF_SOME" ? (diff.replaces.length > 0 ? "replace" : "update") : "same";
    return { diff, op };
  }

  /** Preview: check and diff only (create/update are never sent to this plugin during preview). */
  async preview(resource: ResourceGoal, state?: ResourceState): Promise<PreviewResult> {
    const goal = this.applyIgnoreChanges(resource, state);
    const urn = state?.urn ?? this.urn(goal.type, goal.name);
    const checked = await this.check(goal, urn, state?.inputs ?? {});
    if (checked.failures.length > 0)
      return { op: "invalid", failures: checked.failures, inputs: checked.inputs };
    if (!state) return { op: "create", failures: [], inputs: checked.inputs };
    const { diff, op } = await this.diff(goal, state, checked.inputs);
    if (op === "replace") {
      const again = await this.check(goal, urn, {});
      return {
        op: again.failures.length > 0 ? "invalid" : op,
        failures: again.failures,
        inputs: again.inputs,
        diff,
      };
    }
    return { op, failures: [], inputs: checked.inputs, diff };
  }

  /** `pulumi up` for one resource. Rejects with CheckFailedError, PartialFailureError or PluginCallError. */
  async up(resource: ResourceGoal, state?: ResourceState): Promise<UpResult> {
    const started = performance.now();
    const goal = this.applyIgnoreChanges(resource, state);
    const urn = state?.urn ?? this.urn(goal.type, goal.name);
    const checked = await this.check(goal, urn, state?.inputs ?? {});
    if (checked.failures.length > 0) throw this.checkError(goal, urn, checked.inputs, checked.failures);
    const done = (r: Omit<UpResult, "durationMs">): UpResult => ({
      ...r,
      durationMs: performance.now() - started,
    });

    if (!state) {
      return done({ op: "create", state: await this.create(urn, checked.inputs) });
    }

    const { diff, op } = await this.diff(goal, state, checked.inputs);
    if (op === "same") {
      return done({ op, diff, state: { ...state, inputs: checked.inputs } });
    }
    if (op === "update") {
      this.log("update", urn, state.id);
      let outs: PropertyMap;
      try {
        ({ outs } = await this.plugin.update(urn, state.id, state.outputs, checked.inputs, {
          oldInputs: state.inputs,
          ignoreChanges: goal.ignoreChanges,
        }));
      } catch (e) {
        throw this.partial(e, urn, checked.inputs);
      }
      annotateSecrets(outs, checked.inputs);
      return done({ op, diff, state: { urn, id: state.id, inputs: checked.inputs, outputs: outs } });
    }

    // Replace: the engine re-runs Check without olds (defaults are no longer carried over).
    const rechecked = await this.check(goal, urn, {});
    if (rechecked.failures.length > 0) throw this.checkError(goal, urn, rechecked.inputs, rechecked.failures);
    if (goal.deleteBeforeReplace || diff.deleteBeforeReplace) {
      await this.destroy(state);
      return done({ op, diff, replaced: state, state: await this.create(urn, rechecked.inputs) });
    }
    const created = await this.create(urn, rechecked.inputs);
    await this.destroy(state);
    return done({ op, diff, replaced: state, state: created });
  }

  private partial(e: unknown, urn: string, inputs: PropertyMap): unknown {
    if (e instanceof PluginCallError && e.initFailure?.id) {
      const outputs = annotateSecrets({ ...e.initFailure.properties }, inputs);
      return new PartialFailureError(e, { urn, id: e.initFailure.id, inputs, outputs });
    }
    return e;
  }

  private async create(urn: string, inputs: PropertyMap): Promise<ResourceState> {
    this.log("create", urn);
    let r;
    try {
      r = await this.plugin.create(urn, inputs);
    } catch (e) {
      throw this.partial(e, urn, inputs);
    }
    if (!r.id) throw new Error(`plugin returned empty resource.ID from create '${urn}'`);
    return { urn, id: r.id, inputs, outputs: annotateSecrets(r.outs, inputs) };
  }

  /** `pulumi refresh` for one resource. `undefined`: the provider reported it gone (empty id). */
  async refresh(state: ResourceState): Promise<ResourceState | undefined> {
    this.log("read", state.urn, state.id);
    const r = await this.plugin.read(state.urn, state.id, state.outputs, state.inputs);
    if (!r.id) return undefined;
    const inputs = r.inputs ? annotateSecrets(r.inputs, state.inputs) : state.inputs;
    return { urn: state.urn, id: r.id, inputs, outputs: annotateSecrets(r.props, state.outputs) };
  }

  /** `pulumi destroy` (or the delete half of a replace) for one resource. */
  async destroy(state: ResourceState): Promise<void> {
    this.log("delete", state.urn, state.id);
    await this.plugin.delete(state.urn, state.id, state.outputs, { oldInputs: state.inputs });
  }

  /**
   * `up` for many resources with at most `parallel` in flight (the engine's default is 4 x CPUs). Results are
   * aligned with `resources`. Like the engine without `--continue-on-error`, after the first failure no new resource
   * is started: those are rejected with "not attempted".
   */
  async upMany(
    resources: ResourceGoal[],
    states: (ResourceState | undefined)[] = [],
    opts: { parallel?: number; continueOnError?: boolean } = {},
  ): Promise<PromiseSettledResult<UpResult>[]> {
    const parallel = Math.max(1, opts.parallel ?? 4 * availableParallelism());
    const results: PromiseSettledResult<UpResult>[] = new Array(resources.length);
    let next = 0;
    let failed = false;
    const worker = async (): Promise<void> => {
      for (;;) {
        const i = next++;
        if (i >= resources.length) return;
        if (failed && !opts.continueOnError) {
          results[i] = { status: "rejected", reason: new Error("not attempted: an earlier resource failed") };
          continue;
        }
        try {
          results[i] = { status: "fulfilled", value: await this.up(resources[i]!, states[i]) };
        } catch (reason) {
          failed = true;
          results[i] = { status: "rejected", reason };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, resources.length) }, worker));
    return results;
  }
}
