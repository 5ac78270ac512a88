import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";

/** The dynamic resource kinds this package implements. */
export type ResourceKind = "UserStatus" | "UserSync" | "NexusUserSync";

/** Where the plugin process finds the real implementation. Only strings: this is copied into the state. */
interface EntryLocation {
  /** A module specifier: the package subpath when installed, an absolute path when run from sources. */
  entry: string;
  /** When the sources are TypeScript (this repository's examples and tests): how to load them. */
  tsNode?: { register: string; project: string };
}

/** The module the serialized provider requires at run time (see `provider-entry.ts`). */
export interface ProviderEntry {
  configure(kind: ResourceKind, lookup: (key: string) => string | undefined): void;
  provider(kind: ResourceKind): Required<Omit<pulumi.dynamic.ResourceProvider, "configure">>;
}

function locateEntry(): EntryLocation {
  const extension = path.extname(__filename);
  if (__filename.split(path.sep).includes("node_modules")) {
    // Installed package: resolved by name from the program's directory, so the state stays portable
    // across machines and an upgrade of the package reaches resources already in the state.
    return { entry: "pulumi-securid/provider" };
  }
  const entry = path.join(__dirname, `provider-entry${extension}`);
  if (extension !== ".ts") return { entry };
  return {
    entry,
    tsNode: {
      register: require.resolve("ts-node"),
      project: path.resolve(__dirname, "..", "..", "tsconfig.json"),
    },
  };
}

/**
 * Builds the object that Pulumi serializes into `__provider`. Its methods capture nothing but the
 * resource kind and the entry location (a few short strings), and load the implementation with
 * `require` inside the plugin process, where every resource of the stack shares one token cache and
 * one rate limiter. No credential is ever captured: `configure` receives the stack config in the
 * plugin, and the environment is read there too.
 */
export function thinProvider(kind: ResourceKind): pulumi.dynamic.ResourceProvider {
  const { entry, tsNode } = locateEntry();
  // Only the loader chosen here is serialized: an installed package carries no TypeScript branch.
  const load = tsNode ? typeScriptLoader(entry, tsNode) : (): ProviderEntry => require(entry);
  return {
    configure: async (req) => load().configure(kind, (key) => req.config.get(key)),
    check: (olds, news) => load().provider(kind).check(olds, news),
    diff: (id, olds, news) => load().provider(kind).diff(id, olds, news),
    create: (inputs) => load().provider(kind).create(inputs),
    read: (id, props) => load().provider(kind).read(id, props),
    update: (id, olds, news) => load().provider(kind).update(id, olds, news),
    delete: (id, props) => load().provider(kind).delete(id, props),
  };
}

/** Loads this repository's TypeScript sources in the plugin process (examples and tests only). */
function typeScriptLoader(entry: string, tsNode: { register: string; project: string }): () => ProviderEntry {
  return () => {
    const registered = globalThis as { __pulumiSecuridTsNode?: boolean };
    if (!registered.__pulumiSecuridTsNode) {
      registered.__pulumiSecuridTsNode = true;
      require(tsNode.register).register({ transpileOnly: true, project: tsNode.project });
    }
    return require(entry);
  };
}

const cache = new Map<ResourceKind, pulumi.dynamic.ResourceProvider>();

/**
 * One provider object per kind per program: Pulumi caches the serialized text per object, so 1,000
 * resources of a kind cost one serialization, not 1,000.
 */
export function providerFor(kind: ResourceKind): pulumi.dynamic.ResourceProvider {
  let provider = cache.get(kind);
  if (!provider) {
    provider = thinProvider(kind);
    cache.set(kind, provider);
  }
  return provider;
}
