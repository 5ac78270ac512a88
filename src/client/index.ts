/**
 * Typed client of the RSA SecurID CAS Administration API (user lookup, search, status, sync) and of
 * ECI Nexus SyncUserIdentity, usable without Pulumi:
 *
 * ```ts
 * const cas = getCasClient(await resolveCasSettings(() => undefined, process.env));
 * const user = await cas.users.lookupUser("a@b.c");
 * ```
 */
export { DEFAULTS, KNOB_RANGES, timeoutsFor } from "./defaults";
export type { ClientEvent, EventSink } from "./events";
export {
  parseLegacyKeyFile,
  normalisePrivateKeyPem,
  readRsaPrivateKey,
  legacyKeyFileSchema,
} from "./key-file";
export type { LegacyKey, LegacyKeyFile } from "./key-file";
export { apiUrlProblem, isLoopbackHost, normaliseAdminRestApiUrl, normaliseBaseUrl } from "./url";
export type { TokenSource } from "./auth/token-source";
export { LegacyTokenSource } from "./auth/legacy";
export type { LegacyTokenSourceOptions } from "./auth/legacy";
export { OAuthTokenSource, parseOAuthJwk, oauthRefusedHint } from "./auth/oauth";
export type { OAuthKey, OAuthTokenSourceOptions } from "./auth/oauth";
export { legacyRefusedHint } from "./auth/legacy-hint";
export { Limiter } from "./limiter";
export type { AttemptOutcome, LimiterOptions, LimiterStats, Permit } from "./limiter";
export { bearerTokenAuth, staticAuth } from "./request-auth";
export type { RequestAuth } from "./request-auth";
export { backoffDelayMs, parseRetryAfterMs } from "./retry-policy";
export { createBaseDispatcher, createTransport, proxySettingsFromEnv } from "./transport";
export type {
  BaseDispatcherOptions,
  ProxySettings,
  Transport,
  TransportOptions,
  TransportRequest,
} from "./transport";
export { errorForStatus, parseErrorBody } from "./http-errors";
export type { ApiErrorBody, FailedCall } from "./http-errors";
export {
  CasUsersApi,
  casUserSchema,
  casUserListSchema,
  isPendingDeletion,
  PENDING_DELETION,
  userStatusAnswerSchema,
} from "./cas-users";
export type { CasUser, CasUserStatus, UserStatusAnswer } from "./cas-users";
export { NexusApi, nexusRequestAuth, nexusSyncRequestSchema, nexusSyncResultSchema } from "./nexus";
export type { NexusAuth, NexusSyncRequest, NexusSyncResult } from "./nexus";
export { resolveCasSettings, resolveNexusSettings } from "./settings";
export type { CasAuthSettings, CasSettings, ClientKnobs, ConfigLookup, NexusSettings } from "./settings";
export { createCasClient, createNexusClient, getCasClient, getNexusClient, resetClients } from "./registry";
export type { CasClient, ClientOverrides, NexusClient } from "./registry";
