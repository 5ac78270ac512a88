/** Local HTTP emulator of the RSA SecurID CAS Administration API (users, OAuth) and ECI Nexus. */
export { startEmulator, DEFAULT_TOKEN_LIFETIME_S } from "./server";
export { SAMPLE_USERS, SAMPLE_NEXUS_USERS } from "./sample-users";
export { toApiUser } from "./store";
export type {
  Api,
  Emulator,
  EmulatorOptions,
  EmulatorStats,
  EmulatorUser,
  FaultOptions,
  LegacyKeyFile,
  NexusCredentials,
  NexusSeedUser,
  NexusSyncBody,
  NexusUser,
  OAuthClientInfo,
  Operation,
  RateLimitOptions,
  RequestLogEntry,
  SeedUser,
  UserStatusValue,
} from "./types";
