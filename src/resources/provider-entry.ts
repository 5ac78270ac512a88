/**
 * The module the serialized `__provider` of every resource of this package loads inside the Pulumi
 * plugin process (as `pulumi-securid/provider` when installed). Everything here is per process: the
 * stack config received by `configure`, the resolved settings, and through `client/registry` one
 * token cache and one rate limiter per tenant, shared by all resources.
 */
import { getCasClient, getNexusClient, resolveCasSettings, resolveNexusSettings } from "../client";
import type { ProviderEntry, ResourceKind } from "./thin-provider";
import type { ProviderContext } from "./context";
import { nexusUserSyncProvider } from "./nexus-user-sync";
import { userStatusProvider } from "./user-status";
import { userSyncProvider } from "./user-sync";

type Lookup = (key: string) => string | undefined;

let stackConfig: Lookup = () => undefined;
const settingsCache = new Map<string, Promise<unknown>>();

/** Memoizes a settings resolution on everything it reads, so a changed config or variable is seen. */
function memo<T>(kind: string, keys: readonly string[], resolve: () => Promise<T>): Promise<T> {
  const fingerprint = JSON.stringify([kind, keys.map((k) => stackConfig(k) ?? null), envFingerprint()]);
  let settings = settingsCache.get(fingerprint) as Promise<T> | undefined;
  if (!settings) {
    settings = resolve();
    // A failed resolution (missing file, bad key) is not cached: fixing it must not need a restart.
    settings.catch(() => settingsCache.delete(fingerprint));
    settingsCache.set(fingerprint, settings);
  }
  return settings;
}

function envFingerprint(): string[] {
  return Object.keys(process.env)
    .filter((k) => k.startsWith("SECURID_") || k.startsWith("NEXUS_"))
    .sort()
    .map((k) => `${k}=${process.env[k]}`);
}

const CAS_KEYS = [
  "securid:apiKeyFile",
  "securid:apiKey",
  "securid:oauthIssuerUrl",
  "securid:oauthClientId",
  "securid:oauthPrivateKey",
  "securid:oauthPrivateKeyFile",
  "securid:oauthScopes",
  "securid:adminRestApiUrl",
  "securid:maxConcurrency",
  "securid:maxRetries",
  "securid:requestTimeoutSeconds",
  "securid:maxRequestsPerSecond",
] as const;

const NEXUS_KEYS = [
  "nexus:baseUrl",
  "nexus:username",
  "nexus:password",
  "nexus:bearerToken",
  "nexus:applicationToken",
  "nexus:applicationTokenHeader",
  "nexus:maxConcurrency",
  "nexus:maxRetries",
  "nexus:requestTimeoutSeconds",
  "nexus:maxRequestsPerSecond",
] as const;

/** The context of the plugin process: stack config first, then the environment. */
export const pluginContext: ProviderContext = {
  async cas() {
    const settings = await memo("cas", CAS_KEYS, () => resolveCasSettings(stackConfig, process.env));
    return getCasClient(settings);
  },
  async nexus() {
    const settings = await memo("nexus", NEXUS_KEYS, () => resolveNexusSettings(stackConfig, process.env));
    return getNexusClient(settings);
  },
  log(line: string) {
    console.log(line);
  },
};

const providers: Record<ResourceKind, ReturnType<ProviderEntry["provider"]>> = {
  UserStatus: userStatusProvider(pluginContext),
  UserSync: userSyncProvider(pluginContext),
  NexusUserSync: nexusUserSyncProvider(pluginContext),
};

/** Called by the serialized provider's `configure` with the stack config (all namespaces). */
export function configure(_kind: ResourceKind, lookup: Lookup): void {
  stackConfig = lookup;
}

/** The implementation of a resource kind. */
export function provider(kind: ResourceKind): ReturnType<ProviderEntry["provider"]> {
  const implementation = providers[kind];
  if (!implementation) throw new Error(`pulumi-securid: unknown resource kind ${kind}`);
  return implementation;
}
