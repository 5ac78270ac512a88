import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";

/** The dynamic resource kinds this package implements. */
export type ResourceKind = "UserStatus" | "UserSync" | "NexusUserSync" | "RosterGuard";

/** Where the plugin process finds the real implementation. Only strings: this is copied into the state. */
interface EntryLocation {
  /** The absolute path of `provider-entry` in this repository's sources or build. */
  entry: string;
  /** When the sources are TypeScript (this repository's examples and tests): how to load them. */
  tsNode?: { register: string; project: string };
}

/** The module the serialized provider requires at run time (see `provider-entry.ts`). */
export interface ProviderEntry {
  configure(kind: ResourceKind, lookup: (key: string) => string | undefined): void;
  provider(kind: ResourceKind): Required<Omit<pulumi.dynamic.ResourceProvider, "configure">>;
}

/** The module of each kind under `providers/`, exported as `pulumi-securid/provider/<file>`. */
const PROVIDER_MODULES: Record<ResourceKind, string> = {
  UserStatus: "user-status",
  UserSync: "user-sync",
  NexusUserSync: "nexus-user-sync",
  RosterGuard: "roster-guard",
};

/** True when this file runs from an installed copy of the package (not from this repository). */
function installed(): boolean {
  return __filename.split(path.sep).includes("node_modules");
}

function locateEntry(): EntryLocation {
  const extension = path.extname(__filename);
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
 * The provider object for this repository's own sources (examples, tests), which Pulumi serializes by
 * value: its methods capture nothing but the resource kind and the entry's path (a few short strings),
 * and load the implementation with `require` inside the plugin process, where every resource of the
 * stack shares one token cache and one rate limiter. No credential is ever captured: `configure`
 * receives the stack config in the plugin, and the environment is read there too.
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
 * The provider object a resource of `kind` hands to Pulumi, one per kind per program (Pulumi caches
 * the serialized text per object, so 1,000 resources of a kind cost one serialization).
 *
 * Installed from npm, it is the exports object of `providers/<kind>.js`: Pulumi recognises a module
 * under `node_modules` and stores only `require("pulumi-securid/provider/<kind>")` in the state, a
 * portable reference that also lets an upgrade of the package reach resources already in the state.
 * From this repository's sources, it is {@link thinProvider}.
 */
export function providerFor(kind: ResourceKind): pulumi.dynamic.ResourceProvider {
  let provider = cache.get(kind);
  if (!provider) {
    provider = installed()
      ? (require(`./providers/${PROVIDER_MODULES[kind]}`) as pulumi.dynamic.ResourceProvider)
      : thinProvider(kind);
    cache.set(kind, provider);
  }
  return provider;
}
