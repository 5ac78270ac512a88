/**
 * `pulumi refresh` of a state (pulumi/pulumi `pkg/resource/deploy/step.go` RefreshStep, `deployment_executor.go`
 * refresh): `read` for every custom resource, concurrently up to the executor's parallelism. An empty id removes the
 * resource; returned inputs replace the stored ones; init errors returned by the read are kept with a warning. The
 * finding shown (same/update) is the provider's diff of what an `up` of an unchanged program would do: `diff` with
 * the refreshed state as the old one and the old inputs as the new ones.
 */
import { repairReferences, type ResourceRecord } from "./checkpoint";
import { DEFAULT_PROVIDER_TYPE } from "./deployment";
import { annotateSecrets } from "./engine";
import { changedInputKeys, markSecretOutputs } from "./engine-rules";
import type { StepExecutor } from "./executor";
import { PluginCallError } from "./plugin";
import type { ProviderSession } from "./provider-session";
import type { Diagnostic, RefreshFinding, StepRecord } from "./results";

export interface RefreshOutcome {
  /** The state after the refresh: records read again, those gone removed, references repaired. */
  resources: ResourceRecord[];
  steps: StepRecord[];
  diagnostics: Diagnostic[];
  ok: boolean;
}

export async function refreshResources(
  base: readonly ResourceRecord[],
  provider: ProviderSession,
  executor: StepExecutor,
): Promise<RefreshOutcome> {
  const steps: StepRecord[] = [];
  const diagnostics: Diagnostic[] = [];
  const replaced = new Map<ResourceRecord, ResourceRecord | undefined>();
  const step = (r: ResourceRecord, refresh: RefreshFinding, extra: Partial<StepRecord> = {}) =>
    steps.push({ urn: r.urn, type: r.type, name: r.name, op: "refresh", refresh, ...extra });

  // Components (and the provider) do not change with a refresh: the CLI counts them unchanged.
  for (const r of base) if (!r.custom && !r.delete) step(r, "same");
  const targets = base.filter((r) => r.custom && r.type !== DEFAULT_PROVIDER_TYPE && !r.delete);
  await Promise.allSettled(
    targets.map((old) =>
      executor.run(async () => {
        let props;
        let inputs = old.inputs;
        let id: string;
        let initErrors: string[] | undefined;
        try {
          const read = await provider.read(old.urn, old.id ?? "", old.outputs, old.inputs);
          ({ id, props } = read);
          if (read.inputs) inputs = read.inputs;
        } catch (e) {
          if (!(e instanceof PluginCallError && e.initFailure?.id)) {
            steps.push({ urn: old.urn, type: old.type, name: old.name, op: "refresh", failed: true });
            diagnostics.push({
              severity: "error",
              message: e instanceof Error ? e.message : String(e),
              urn: old.urn,
              source: "engine",
            });
            throw e;
          }
          // A partial failure does not fail the refresh: a warning, and the init errors kept for the next up.
          id = e.initFailure.id;
          props = annotateSecrets({ ...e.initFailure.properties }, old.outputs);
          initErrors = e.initFailure.reasons;
          diagnostics.push({
            severity: "warning",
            message: `Refreshed resource is in an unhealthy state:\n* ${initErrors.join("\n* ")}`,
            urn: old.urn,
            source: "engine",
          });
        }
        if (!id) {
          replaced.set(old, undefined);
          step(old, "delete");
          return;
        }
        const updated: ResourceRecord = {
          ...old,
          id,
          inputs,
          outputs: markSecretOutputs(props, inputs, old.additionalSecretOutputs),
        };
        if (initErrors?.length) updated.initErrors = initErrors;
        else delete updated.initErrors;
        // What an up with the old inputs would do to the refreshed resource, inverted.
        let diffs: string[];
        try {
          const diff = await provider.diff(old.urn, id, updated.outputs, old.inputs, updated.inputs, []);
          diffs =
            diff.changes === "DIFF_UNKNOWN"
              ? changedInputKeys(updated.inputs, old.inputs)
              : diff.changes === "DIFF_SOME"
                ? diff.diffs.length > 0
                  ? diff.diffs
                  : ["*"]
                : [];
        } catch (e) {
          steps.push({ urn: old.urn, type: old.type, name: old.name, op: "refresh", failed: true });
          diagnostics.push({
            severity: "error",
            message: (e as Error).message,
            urn: old.urn,
            source: "engine",
          });
          throw e;
        }
        replaced.set(old, updated);
        if (diffs.length > 0) step(old, "update", { diffs: diffs.filter((d) => d !== "*") });
        else step(old, "same");
      }),
    ),
  );
  const resources: ResourceRecord[] = [];
  for (const r of base) {
    if (!replaced.has(r)) resources.push(r);
    else if (replaced.get(r)) resources.push(replaced.get(r)!);
  }
  repairReferences(resources);
  return { resources, steps, diagnostics, ok: !executor.cancelled };
}
