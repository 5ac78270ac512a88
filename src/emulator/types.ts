/**
 * Public types of the emulator. Field names of {@link EmulatorUser} are the API's own, so a stored
 * user reads like an answer of the User Details API.
 */
import type { JsonWebKey } from "node:crypto";

/** A user status the Administration API accepts. */
export type UserStatusValue = "Enabled" | "Disabled";

/** The legacy Administration API key file, as the Cloud Administration Console hands it out. */
export interface LegacyKeyFile {
  customerName: string;
  accessID: string;
  /** RSA private key, PKCS#1 PEM (`-----BEGIN RSA PRIVATE KEY-----`). */
  accessKey: string;
  /** The JWT audience, e.g. `http://127.0.0.1:PORT/AdminInterface/restapi/` (trailing slash). */
  adminRestApiUrl: string;
  description: string;
}

/** A CAS user as the emulator stores it. */
export interface EmulatorUser {
  id: string;
  emailAddress: string;
  firstName: string;
  lastName: string;
  identitySource: string;
  userStatus: UserStatusValue;
  markDeleted: boolean;
  markDeletedAt: string | null;
  markDeletedBy: string | null;
  smsNumber: string | null;
  voiceNumber: string | null;
  lastSyncTime: string | null;
  creationDate: string;
  /** `false`: only found by a lookup with `searchUnsynched: true`, which then synchronizes the user. */
  synchronized: boolean;
  /** `true`: an identity-source sync disabled this user; enabling through the API answers 409. */
  disabledBySync: boolean;
  /** What the identity source says; applied by the Synchronize User call. */
  directoryStatus?: "Enabled" | "Disabled" | "Deleted";
  /**
   * Other addresses a lookup resolves to this user (a proxy address, a UPN that differs from the
   * mail): two addresses, one CAS user. Never shown in answers.
   */
  aliases?: string[];
  highRiskUser?: boolean;
  isTokenLocked?: boolean;
  isSmsLocked?: boolean;
  isVoiceLocked?: boolean;
  emergencyAccessStatus?: "Enabled" | "Disabled" | "Locked";
  monthLastAuthenticated?: string | null;
}

/** A user to seed: only the email is required; the id is a random UUID unless given. */
export interface SeedUser extends Partial<EmulatorUser> {
  emailAddress: string;
}

/** What a request was, as far as the emulator could tell. */
export type Operation =
  "lookup" | "search" | "setStatus" | "sync" | "token" | "nexusSync" | "admin" | "unknown";

/** The API family a request was sent to. */
export type Api = "cas" | "oauth" | "nexus" | "admin";

/** One request the emulator received. */
export interface RequestLogEntry {
  seq: number;
  /** Epoch milliseconds (from the emulator's clock) when the request arrived. */
  time: number;
  method: string;
  /** Raw path, without the query. */
  path: string;
  /** Raw query, without `?`. */
  query: string;
  /** The status answered (also when the body was then cut); 0 when no answer was sent (hang, dropped connection). */
  status: number;
  api: Api;
  operation: Operation;
  /** The operation is a write (setStatus, sync, nexusSync), whatever its outcome. */
  write: boolean;
  userId?: string;
  email?: string;
  /** A hash (sha256 hex prefix) of the bearer token: never the token. */
  tokenId?: string;
  /** The request's `Range` header (a client resuming a cut answer), when it had one. */
  range?: string;
  /** The request's `If-Match` header, when it had one. */
  ifMatch?: string;
  /** The fault injected, e.g. `error-503-html`, `drop-after-apply`, `cut-after-apply`, `garbage-html`, `hang`. */
  fault?: string;
  /** Real milliseconds from arrival to the answer (or the dropped connection); absent while unanswered. */
  durationMs?: number;
}

/** A token bucket applied to the listed operations. */
export interface RateLimitOptions {
  requestsPerSecond: number;
  burst: number;
  /** Sent as `Retry-After` on 429 answers; no header when unset. */
  retryAfterSeconds?: number;
  /** Default: lookup, search, setStatus, sync, nexusSync. */
  operations?: Operation[];
}

/** Faults injected into the listed operations, drawn from a seeded PRNG. */
export interface FaultOptions {
  /** Answer 500/502/503/504 instead, without applying. */
  errorRate?: number;
  /** Apply the operation, then destroy the socket without answering. */
  dropAfterApplyRate?: number;
  /** Answer 200 with a broken body, without applying. */
  garbageRate?: number;
  /**
   * Apply the operation, send the answer's status line, headers (with the whole body's
   * `Content-Length`) and half its body, then destroy the socket: an answer cut mid-body.
   */
  cutAfterApplyRate?: number;
  /** Default: one of the three, drawn per request. */
  garbageKind?: "invalid-json" | "wrong-types" | "html";
  /** Accept the request and never answer. */
  hang?: boolean;
  seed?: number;
  /** Default: lookup, search, setStatus, sync, nexusSync. */
  operations?: Operation[];
}

/** Credentials the Nexus endpoint accepts. */
export interface NexusCredentials {
  username: string;
  password: string;
  bearerToken: string;
  applicationToken: string;
  applicationTokenHeader: string;
}

/** A Nexus user to seed. */
export interface NexusSeedUser {
  userId: string;
  givenName: string;
  familyName: string;
  displayName?: string;
  emailAddress?: string;
  roles?: string[];
}

/** The body of a SyncUserIdentity call. */
export interface NexusSyncBody {
  audience: string;
  attributes: { key: string; value: string }[];
  connection: { connectionId: string; groups: string[] };
  clientUpnKey?: string | null;
}

/** A Nexus user as the emulator stores it. */
export interface NexusUser {
  userId: string;
  givenName: string;
  familyName: string;
  displayName: string;
  emailAddress: string | null;
  /** The value of the attribute named by the last sync's `clientUpnKey`. */
  upn: string | null;
  roles: string[];
  /** Attributes of the last sync, by key. */
  attributes: Record<string, string>;
  /** The body of the last successful sync. */
  lastSync: NexusSyncBody | null;
  lastSyncTime: string | null;
  syncCount: number;
}

/** An OAuth API client: what the console hands an administrator. */
export interface OAuthClientInfo {
  issuerUrl: string;
  clientId: string;
  privateJwk: JsonWebKey & { kid: string; alg: string };
}

export interface EmulatorOptions {
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  users?: SeedUser[];
  nexusUsers?: NexusSeedUser[];
  /** OAuth access token lifetime, default 3600. */
  tokenLifetimeSeconds?: number;
  /** Each API answer is sent this many ms after its request arrived (handling included); default 0. */
  latencyMs?: number;
  rateLimit?: RateLimitOptions;
  faults?: FaultOptions;
  /** Default: random test credentials, header `ApplicationToken`. */
  nexus?: Partial<NexusCredentials>;
  /** Epoch milliseconds; default `Date.now`. */
  clock?: () => number;
  /** Keep the key material (legacy key, OAuth client, Nexus credentials) in this folder across runs. */
  keyDir?: string;
  /**
   * How a user pending deletion shows: `markDeleted` (default) keeps `userStatus` Enabled/Disabled
   * with `markDeleted: true`; `userStatus` also answers `userStatus: "Pending Deletion"`.
   */
  pendingDeletionStyle?: "markDeleted" | "userStatus";
}

export interface EmulatorStats {
  /** Requests other than admin ones. */
  requests: number;
  /** Requests of a write operation (setStatus, sync, nexusSync), whatever their outcome. */
  writes: number;
  byOperation: Record<string, number>;
  status429: number;
  /** OAuth access tokens minted by the token endpoint. */
  tokensIssued: number;
  /** Distinct bearer tokens seen on CAS calls. */
  distinctTokens: number;
  maxInFlight: number;
}

export interface Emulator {
  /** CAS adminRestApiUrl: `http://127.0.0.1:PORT/AdminInterface/restapi/`. */
  readonly url: string;
  readonly origin: string;
  /** `http://127.0.0.1:PORT/oauth`; the token endpoint is `${oauthIssuerUrl}/token`. */
  readonly oauthIssuerUrl: string;
  /** `http://127.0.0.1:PORT/nexus`; the call is `PUT ${nexusUrl}/v1/users/{userId}/$sync`. */
  readonly nexusUrl: string;
  readonly keyFile: LegacyKeyFile;
  /** Writes `<accessID>.key` (JSON, as the console does) into `dir` and returns its path. */
  writeKeyFile(dir: string): Promise<string>;
  readonly oauthClient: OAuthClientInfo;
  addOAuthClient(kind: "RSA" | "EC"): Promise<OAuthClientInfo>;
  readonly nexusCredentials: NexusCredentials;
  seedUsers(users: SeedUser[]): EmulatorUser[];
  /** A copy of the user, by id or case-insensitive email. */
  getUser(emailOrId: string): EmulatorUser | undefined;
  listUsers(): EmulatorUser[];
  /** Simulates drift or a directory change; not logged. Throws when the user does not exist. */
  updateUserOutOfBand(emailOrId: string, patch: Partial<EmulatorUser>): EmulatorUser;
  deleteUserOutOfBand(emailOrId: string): void;
  seedNexusUsers(users: NexusSeedUser[]): NexusUser[];
  getNexusUser(userId: string): NexusUser | undefined;
  listNexusUsers(): NexusUser[];
  readonly requests: readonly RequestLogEntry[];
  /** Clears the request log and resets {@link stats}. */
  clearRequests(): void;
  stats(): EmulatorStats;
  setRateLimit(opts: RateLimitOptions | undefined): void;
  setFaults(opts: FaultOptions | undefined): void;
  setLatency(ms: number): void;
  /** Every token issued or seen so far is refused with 403 from now on. */
  revokeTokens(): void;
  /** Stops listening and destroys open sockets. */
  close(): Promise<void>;
}
