/** Everything one emulator instance holds, shared by its routes. */
import type { CasAuthority } from "./auth";
import type { FaultInjector, TokenBucket } from "./faults";
import type { OAuthClientKey } from "./keys";
import type { NexusStore } from "./nexus-store";
import type { RequestLog } from "./request-log";
import type { PendingDeletionStyle, UserStore } from "./store";
import type { TokenRegistry } from "./tokens";
import type { NexusCredentials } from "./types";

export interface EmulatorState {
  clock: () => number;
  users: UserStore;
  nexusUsers: NexusStore;
  tokens: TokenRegistry;
  cas: CasAuthority;
  /** OAuth clients by client id. */
  oauthClients: Map<string, OAuthClientKey>;
  /** `clientId jti` of every client assertion accepted. */
  usedJtis: Set<string>;
  log: RequestLog;
  nexus: NexusCredentials;
  /** `${oauthIssuerUrl}/token`: the only client assertion `aud` accepted. */
  tokenUrl: string;
  tokenLifetimeSeconds: number;
  pendingDeletionStyle: PendingDeletionStyle;
  latencyMs: number;
  rateLimit: TokenBucket | undefined;
  faults: FaultInjector | undefined;
}
