/**
 * pulumi-securid: the desired state of RSA SecurID Cloud Authentication Service users (status, sync)
 * and ECI Nexus user identity syncs, as Pulumi resources.
 *
 * @packageDocumentation
 */
export { UserStatus } from "./resources/user-status";
export type {
  UserStatusArgs,
  UserStatusOutputs,
  DesiredStatus,
  OnDelete,
  IfMissing,
} from "./resources/user-status";
export { Roster } from "./resources/roster";
export type { RosterArgs, RosterSummary, RosterUser } from "./resources/roster";
export type { RosterColumns } from "./roster/options";
export { UserSync } from "./resources/user-sync";
export type { UserSyncArgs, UserSyncOutputs } from "./resources/user-sync";
export { NexusUserSync } from "./resources/nexus-user-sync";
export type {
  NexusUserSyncArgs,
  NexusUserSyncOutputs,
  NexusAttribute,
  NexusConnection,
} from "./resources/nexus-user-sync";
export { getUser, getUserOutput } from "./functions/get-user";
export type { GetUserArgs, GetUserOutputArgs } from "./functions/get-user";
export { searchUsers, searchUsersOutput } from "./functions/search-users";
export type { SearchUsersArgs, SearchUsersOutputArgs, SearchUsersResult } from "./functions/search-users";
export type { SecurIdUser } from "./functions/user";
export * from "./errors";
