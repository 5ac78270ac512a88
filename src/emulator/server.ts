/** `startEmulator`: one HTTP server serving CAS, OAuth, Nexus and the admin API, and its controls. */
import { createPublicKey } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { adminRouter } from "./admin-routes";
import { CasAuthority } from "./auth";
import { CAS_BASE_PATH } from "./cas-routes";
import { createRequestHandler } from "./dispatch";
import { FaultInjector, TokenBucket } from "./faults";
import {
  createOAuthClient,
  loadKeyMaterial,
  pkcs1Pem,
  writeLegacyKeyFile,
  type OAuthClientKey,
} from "./keys";
import { NEXUS_BASE_PATH } from "./nexus-routes";
import { NexusStore } from "./nexus-store";
import { OAUTH_BASE_PATH } from "./oauth-routes";
import { RequestLog } from "./request-log";
import type { EmulatorState } from "./state";
import { UserStore } from "./store";
import { TokenRegistry } from "./tokens";
import type { Emulator, EmulatorOptions, EmulatorUser, LegacyKeyFile, OAuthClientInfo } from "./types";

export const DEFAULT_TOKEN_LIFETIME_S = 3600;

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

/** The host as it appears in URLs: a wildcard address is reached through the loopback. */
function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}

function clientInfo(issuerUrl: string, client: OAuthClientKey): OAuthClientInfo {
  return { issuerUrl, clientId: client.clientId, privateJwk: { ...client.privateJwk } };
}

/** Starts an emulator; call `close()` when done. */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const host = opts.host ?? "127.0.0.1";
  const clock = opts.clock ?? Date.now;
  const material = await loadKeyMaterial(opts.keyDir, opts.nexus);
  const server = createServer();
  await listen(server, opts.port ?? 0, host);
  // From here on nothing awaits: no request is handled before the handler is attached below.

  const { port } = server.address() as AddressInfo;
  const origin = `http://${urlHost(host)}:${port}`;
  const url = `${origin}${CAS_BASE_PATH}/`;
  const oauthIssuerUrl = `${origin}${OAUTH_BASE_PATH}`;
  const nexusUrl = `${origin}${NEXUS_BASE_PATH}`;
  const keyFile: LegacyKeyFile = {
    customerName: "pulumi-securid emulator",
    accessID: material.accessID,
    accessKey: pkcs1Pem(material.legacyPrivateKey),
    adminRestApiUrl: url,
    description: "Emulator test key: not valid on any real tenant",
  };
  const tokens = new TokenRegistry();
  const users = new UserStore(clock);
  const nexusUsers = new NexusStore();
  const log = new RequestLog();
  const state: EmulatorState = {
    clock,
    users,
    nexusUsers,
    tokens,
    cas: new CasAuthority({
      accessID: keyFile.accessID,
      audience: keyFile.adminRestApiUrl,
      publicKey: createPublicKey(material.legacyPrivateKey),
      tokens,
      clock,
    }),
    oauthClients: new Map([[material.oauth.clientId, material.oauth]]),
    usedJtis: new Set(),
    log,
    nexus: material.nexus,
    tokenUrl: `${oauthIssuerUrl}/token`,
    tokenLifetimeSeconds: opts.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_S,
    pendingDeletionStyle: opts.pendingDeletionStyle ?? "markDeleted",
    latencyMs: opts.latencyMs ?? 0,
    rateLimit: opts.rateLimit ? new TokenBucket(opts.rateLimit, clock()) : undefined,
    faults: opts.faults ? new FaultInjector(opts.faults) : undefined,
  };

  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      if (closed) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const find = (emailOrId: string): EmulatorUser => {
    const user = users.find(emailOrId);
    if (!user) throw new Error(`emulator: no user ${emailOrId}`);
    return user;
  };

  const emulator: Emulator = {
    url,
    origin,
    oauthIssuerUrl,
    nexusUrl,
    keyFile,
    writeKeyFile: (dir) => writeLegacyKeyFile(dir, keyFile),
    oauthClient: clientInfo(oauthIssuerUrl, material.oauth),
    async addOAuthClient(kind) {
      const client = await createOAuthClient(kind);
      state.oauthClients.set(client.clientId, client);
      return clientInfo(oauthIssuerUrl, client);
    },
    nexusCredentials: { ...material.nexus },
    seedUsers: (seeds) => users.seed(seeds),
    getUser(emailOrId) {
      const user = users.find(emailOrId);
      return user && { ...user };
    },
    listUsers: () => users.list().map((u) => ({ ...u })),
    updateUserOutOfBand: (emailOrId, patch) => ({ ...users.update(find(emailOrId), patch) }),
    deleteUserOutOfBand: (emailOrId) => users.remove(find(emailOrId)),
    seedNexusUsers: (seeds) => nexusUsers.seed(seeds),
    getNexusUser(userId) {
      const user = nexusUsers.find(userId);
      return user && structuredClone(user);
    },
    listNexusUsers: () => nexusUsers.list().map((u) => structuredClone(u)),
    get requests() {
      return [...log.entries];
    },
    clearRequests: () => log.clear(),
    stats: () => log.stats(),
    setRateLimit(limit) {
      state.rateLimit = limit ? new TokenBucket(limit, clock()) : undefined;
    },
    setFaults(faults) {
      state.faults = faults ? new FaultInjector(faults) : undefined;
    },
    setLatency(ms) {
      state.latencyMs = Math.max(0, ms);
    },
    revokeTokens: () => tokens.revokeAll(),
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };

  users.seed(opts.users ?? []);
  nexusUsers.seed(opts.nexusUsers ?? []);
  server.on("request", createRequestHandler(state, adminRouter(emulator), delay));
  return emulator;
}
