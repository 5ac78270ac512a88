/**
 * Rules the engine applies around provider calls (pulumi/pulumi `pkg/resource/deploy/step_generator.go`,
 * `step_executor.go`), as small pure functions.
 */
import type { PropertyMap } from "./plugin";
import { isSecret, unwrapSecretsDeep, wrapSecret } from "./secrets";

/** `processIgnoreChanges`, for top-level keys: the old input value is kept (or the key dropped if it had none). */
export function processIgnoreChanges(
  inputs: PropertyMap,
  oldInputs: PropertyMap,
  ignoreChanges: readonly string[],
): PropertyMap {
  if (ignoreChanges.length === 0) return inputs;
  const out = { ...inputs };
  for (const k of ignoreChanges) {
    if (k in oldInputs) out[k] = oldInputs[k];
    else delete out[k];
  }
  return out;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as PropertyMap)[k], (b as PropertyMap)[k]));
}

/**
 * The engine's own input diff (`diffResource` when the provider answers DIFF_UNKNOWN): old and new inputs compared
 * with secrets unwrapped. Returns the top-level keys that differ (empty: no change).
 */
export function changedInputKeys(oldInputs: PropertyMap, newInputs: PropertyMap): string[] {
  const a = unwrapSecretsDeep(oldInputs);
  const b = unwrapSecretsDeep(newInputs);
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => !deepEqual(a[k], b[k])).sort();
}

/**
 * What the step executor does to a new state's outputs (step_executor.go continueExecuteStep): every key listed in
 * `additionalSecretOutputs` becomes secret, and so does every output whose input of the same name is secret.
 * Mutates and returns `outputs`.
 */
export function markSecretOutputs(
  outputs: PropertyMap,
  inputs: PropertyMap,
  additionalSecretOutputs: readonly string[] = [],
): PropertyMap {
  for (const k of additionalSecretOutputs) {
    if (k !== "id" && k in outputs && !isSecret(outputs[k])) outputs[k] = wrapSecret(outputs[k]);
  }
  for (const [k, v] of Object.entries(outputs)) {
    if (!isSecret(v) && k in inputs && isSecret(inputs[k])) outputs[k] = wrapSecret(v);
  }
  return outputs;
}
