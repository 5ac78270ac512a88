/**
 * The module the serialized `__provider` of every resource of this package loads inside the Pulumi
 * plugin process (as `pulumi-securid/provider` when installed). Everything here is per process: the
 * stack config received by `configure`, the resolved settings, and through `client/registry` one
 * token cache and one rate limiter per tenant, shared by all resources.
 */
import { getCasClient, getNexusClient, resolveCasSettings, resolveNexusSettings } from "../client";
import type * as pulumi from "@pulumi/pulumi";
import type { ProviderEntry, ResourceKind } from "./thin-provider";
import { InvalidConfigError } from "../errors";
import { appendAuditRecord } from "./audit-log";
import { environmentVariable } from "./settings-names";
import type { ProviderContext } from "./context";
import { nexusUserSyncProvider } from "./nexus-user-sync";
import { rosterGuardProvider } from "./roster-guard";
import { userStatusProvider } from "./user-status";
import { userSyncProvider } from "./user-sync";

type Lookup = (key: string) => string | undefined;

let stackConfig: Lookup = () => undefined;

/**
 * Settings resolved once per process (the stack config does not change after `configure`, nor does
 * the plugin's environment), on the first operation that needs them. A failed resolution (a missing
 * file, a bad key) is not kept, so the next operation reports it again instead of a stale result.
 */
class Once<T> {
  private value?: Promise<T>;
  constructor(private readonly resolve: () => Promise<T>) {}
  get(): Promise<T> {
    if (!this.value) {
      const value = this.resolve();
      value.catch(() => {
        if (this.value === value) this.value = undefined;
      });
      this.value = value;
    }
    return this.value;
  }
  reset(): void {
    this.value = undefined;
  }
}

const casSettings = new Once(() => resolveCasSettings(stackConfig, process.env));
const nexusSettings = new Once(() => resolveNexusSettings(stackConfig, process.env));

function setting(key: string): string | undefined {
  const value = stackConfig(key) ?? process.env[environmentVariable(key)];
  return value === undefined || value.trim() === "" ? undefined : value;
}

/** The context of the plugin process: stack config first, then the environment. */
export const pluginContext: ProviderContext = {
  async cas() {
    return getCasClient(await casSettings.get());
  },
  async nexus() {
    return getNexusClient(await nexusSettings.get());
  },
  log(line: string) {
    console.log(line);
  },
  setting,
  async audit(record) {
    const file = setting("securid:auditLogFile");
    if (file === undefined) return;
    try {
      await appendAuditRecord(file, record);
    } catch (err) {
      throw new InvalidConfigError(
        `The status of ${record.email} was changed (${record.from} -> ${record.to}), but the audit log ${file} could not be written: ${(err as Error).message}.`,
        {
          cause: err,
          hint: "Fix securid:auditLogFile (or SECURID_AUDIT_LOG_FILE): a writable path, relative to the program's directory.",
        },
      );
    }
  },
};

const providers: Record<ResourceKind, ReturnType<ProviderEntry["provider"]>> = {
  UserStatus: userStatusProvider(pluginContext),
  UserSync: userSyncProvider(pluginContext),
  NexusUserSync: nexusUserSyncProvider(pluginContext),
  RosterGuard: rosterGuardProvider(pluginContext),
};

/** Called by the serialized provider's `configure` with the stack config (all namespaces). */
export function configure(_kind: ResourceKind, lookup: Lookup): void {
  stackConfig = lookup;
  casSettings.reset();
  nexusSettings.reset();
}

/** The implementation of a resource kind. */
export function provider(kind: ResourceKind): ReturnType<ProviderEntry["provider"]> {
  const implementation = providers[kind];
  if (!implementation) throw new Error(`pulumi-securid: unknown resource kind ${kind}`);
  return implementation;
}

/**
 * The provider object of a kind, as the module `providers/<kind>.js` exports it. When the package is
 * installed, that module object is what a resource hands to Pulumi: the serializer recognises a module
 * under `node_modules` and stores only `require("pulumi-securid/provider/<kind>")` in the state.
 */
export function kindProvider(kind: ResourceKind): Required<pulumi.dynamic.ResourceProvider> {
  return {
    configure: async (req) => configure(kind, (key) => req.config.get(key)),
    check: (olds, news) => provider(kind).check(olds, news),
    diff: (id, olds, news) => provider(kind).diff(id, olds, news),
    create: (inputs) => provider(kind).create(inputs),
    read: (id, props) => provider(kind).read(id, props),
    update: (id, olds, news) => provider(kind).update(id, olds, news),
    delete: (id, props) => provider(kind).delete(id, props),
  };
}
