/**
 * Produces `__provider` exactly as `pulumi.dynamic.Resource` does (`@pulumi/pulumi/dynamic/index.js`,
 * `serializeFunctionMaybeSecret`): `serializeFunction(() => provider, { allowSecrets: true })`, then `.text`.
 * Must run in the process where the provider object was created (here: the test process under ts-node).
 */
import type { SerializedFunction } from "@pulumi/pulumi/runtime/closure/serializeClosure";

export interface SerializedProvider {
  /** The `__provider` string stored in state (inputs and outputs). */
  text: string;
  /** True when the closure captured a secret: the SDK then marks `__provider` secret in state. */
  containsSecrets: boolean;
}

/** Same call as `dynamic/index.js`, keeping `containsSecrets`. */
export async function serializeProviderDetailed(provider: object): Promise<SerializedProvider> {
  // Loaded on demand, like the SDK does (its dependencies are slow to load).
  const sc: typeof import("@pulumi/pulumi/runtime/closure/serializeClosure") = require("@pulumi/pulumi/runtime/closure/serializeClosure");
  const sf: SerializedFunction = await sc.serializeFunction(() => provider, { allowSecrets: true });
  return { text: sf.text, containsSecrets: sf.containsSecrets };
}

/** The `__provider` text for `provider`, as `pulumi.dynamic.Resource` would store it. */
export async function serializeProvider(provider: object): Promise<string> {
  return (await serializeProviderDetailed(provider)).text;
}
