import type { Dispatcher } from "undici";
import { legacyRefusedHint } from "./auth/legacy-hint";
import { LegacyTokenSource } from "./auth/legacy";
import { OAuthTokenSource, oauthRefusedHint } from "./auth/oauth";
import type { TokenSource } from "./auth/token-source";
import { CasUsersApi } from "./cas-users";
import type { EventSink } from "./events";
import { Limiter } from "./limiter";
import { NexusApi, nexusRequestAuth } from "./nexus";
import { bearerTokenAuth, type RequestAuth } from "./request-auth";
import type { CasSettings, ClientKnobs, NexusSettings } from "./settings";
import {
  createBaseDispatcher,
  createTransport,
  defaultUserAgent,
  type ProxySettings,
  type Transport,
} from "./transport";
import { requireApiUrl } from "./url";

/** What tests and benchmarks may replace. */
export interface ClientOverrides {
  /** The connection layer (e.g. a `MockAgent`); not closed by `close()`. */
  dispatcher?: Dispatcher;
  /** Epoch ms. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Uniform in [0, 1), for jitter. */
  random?: () => number;
  onEvent?: EventSink;
  userAgent?: string;
}

/** A CAS tenant's client: one token cache and one limiter shared by every call. */
export interface CasClient {
  readonly tenantKey: string;
  readonly users: CasUsersApi;
  readonly tokens: TokenSource;
  readonly limiter: Limiter;
  readonly transport: Transport;
  close(): Promise<void>;
}

/** A Nexus base URL's client. */
export interface NexusClient {
  readonly tenantKey: string;
  readonly api: NexusApi;
  readonly limiter: Limiter;
  readonly transport: Transport;
  close(): Promise<void>;
}

interface Plumbing {
  base: Dispatcher;
  owned: boolean;
  limiter: Limiter;
}

function plumbing(knobs: ClientKnobs, proxy: ProxySettings, o: ClientOverrides): Plumbing {
  const base =
    o.dispatcher ?? createBaseDispatcher({ proxy, requestTimeoutSeconds: knobs.requestTimeoutSeconds });
  const limiter = new Limiter({
    maxConcurrency: knobs.maxConcurrency,
    ...(knobs.maxRequestsPerSecond !== undefined && { maxRequestsPerSecond: knobs.maxRequestsPerSecond }),
    ...(knobs.maxRetryDelayMs !== undefined && { maxHoldMs: knobs.maxRetryDelayMs }),
    ...(o.now !== undefined && { now: o.now }),
    ...(o.sleep !== undefined && { sleep: o.sleep }),
    ...(o.onEvent !== undefined && { onEvent: o.onEvent }),
  });
  return { base, owned: o.dispatcher === undefined, limiter };
}

/** The backoff bounds the knobs set (the others keep their defaults). */
function retryDelays(knobs: ClientKnobs): { minRetryDelayMs?: number; maxRetryDelayMs?: number } {
  return {
    ...(knobs.minRetryDelayMs !== undefined && { minRetryDelayMs: knobs.minRetryDelayMs }),
    ...(knobs.maxRetryDelayMs !== undefined && { maxRetryDelayMs: knobs.maxRetryDelayMs }),
  };
}

function transportFor(
  settings: { baseUrl: string; knobs: ClientKnobs; proxy: ProxySettings },
  p: Plumbing,
  auth: RequestAuth,
  service: string,
  configPrefix: string,
  o: ClientOverrides,
): Transport {
  return createTransport({
    baseUrl: settings.baseUrl,
    auth,
    service,
    configPrefix,
    limiter: p.limiter,
    dispatcher: p.base,
    proxy: settings.proxy,
    maxRetries: settings.knobs.maxRetries,
    requestTimeoutSeconds: settings.knobs.requestTimeoutSeconds,
    ...retryDelays(settings.knobs),
    ...(o.now !== undefined && { now: o.now }),
    ...(o.sleep !== undefined && { sleep: o.sleep }),
    ...(o.random !== undefined && { random: o.random }),
    ...(o.onEvent !== undefined && { onEvent: o.onEvent }),
    ...(o.userAgent !== undefined && { userAgent: o.userAgent }),
  });
}

/** A new CAS client (not shared; see {@link getCasClient}). */
export function createCasClient(settings: CasSettings, overrides: ClientOverrides = {}): CasClient {
  // Settings built by a program rather than by resolveCasSettings follow the same https rule.
  requireApiUrl(settings.baseUrl, "CasSettings.baseUrl");
  if (settings.auth.kind === "oauth") requireApiUrl(settings.auth.issuerUrl, "CasSettings.auth.issuerUrl");
  const p = plumbing(settings.knobs, settings.proxy, overrides);
  const clock = {
    ...(overrides.now !== undefined && { now: overrides.now }),
    ...(overrides.onEvent !== undefined && { onEvent: overrides.onEvent }),
  };
  let tokens: TokenSource;
  let auth: RequestAuth;
  if (settings.auth.kind === "legacy") {
    const key = settings.auth.key;
    tokens = new LegacyTokenSource({ key, ...clock });
    auth = bearerTokenAuth(tokens, () => legacyRefusedHint(key));
  } else {
    const { issuerUrl, clientId, key, scopes } = settings.auth;
    tokens = new OAuthTokenSource({
      issuerUrl,
      clientId,
      privateJwk: key,
      scopes,
      dispatcher: p.base,
      maxRetries: settings.knobs.maxRetries,
      ...retryDelays(settings.knobs),
      userAgent: overrides.userAgent ?? defaultUserAgent(),
      ...clock,
      ...(overrides.sleep !== undefined && { sleep: overrides.sleep }),
      ...(overrides.random !== undefined && { random: overrides.random }),
    });
    auth = bearerTokenAuth(tokens, (needed) =>
      oauthRefusedHint({ clientId, baseUrl: settings.baseUrl }, needed),
    );
  }
  const transport = transportFor(settings, p, auth, "CAS", "securid", overrides);
  return {
    tenantKey: settings.tenantKey,
    users: new CasUsersApi(transport),
    tokens,
    limiter: p.limiter,
    transport,
    async close() {
      await transport.close();
      if (p.owned) await p.base.close();
    },
  };
}

/** A new Nexus client (not shared; see {@link getNexusClient}). */
export function createNexusClient(settings: NexusSettings, overrides: ClientOverrides = {}): NexusClient {
  requireApiUrl(settings.baseUrl, "NexusSettings.baseUrl");
  const p = plumbing(settings.knobs, settings.proxy, overrides);
  const transport = transportFor(settings, p, nexusRequestAuth(settings.auth), "Nexus", "nexus", overrides);
  return {
    tenantKey: settings.tenantKey,
    api: new NexusApi(transport),
    limiter: p.limiter,
    transport,
    async close() {
      await transport.close();
      if (p.owned) await p.base.close();
    },
  };
}

// Per process: every resource of a stack runs in one plugin process and shares these.
const casClients = new Map<string, CasClient>();
const nexusClients = new Map<string, NexusClient>();

function shared<C extends { close(): Promise<void> }>(map: Map<string, C>, key: string, create: () => C): C {
  const existing = map.get(key);
  if (existing) return existing;
  const client = create();
  const close = client.close.bind(client);
  const registered = Object.assign(client, {
    async close() {
      if (map.get(key) === registered) map.delete(key);
      await close();
    },
  });
  map.set(key, registered);
  return registered;
}

/**
 * The process's client for this tenant and principal (`settings.tenantKey`): one token cache and one
 * limiter for all resources. `overrides` apply when the client is first created.
 */
export function getCasClient(settings: CasSettings, overrides: ClientOverrides = {}): CasClient {
  return shared(casClients, settings.tenantKey, () => createCasClient(settings, overrides));
}

/** The process's Nexus client for this base URL and principal. */
export function getNexusClient(settings: NexusSettings, overrides: ClientOverrides = {}): NexusClient {
  return shared(nexusClients, settings.tenantKey, () => createNexusClient(settings, overrides));
}

/** Closes and forgets every shared client (tests). */
export async function resetClients(): Promise<void> {
  const all = [...casClients.values(), ...nexusClients.values()];
  casClients.clear();
  nexusClients.clear();
  await Promise.allSettled(all.map((c) => c.close()));
}
