import type { CasUser } from "../client";

/** A CAS user, with the names the `UserStatus` outputs use. */
export interface SecurIdUser {
  /** The CAS user id. */
  userId: string;
  /** The email address as CAS spells it. */
  email: string;
  /** `Enabled`, `Disabled` (or `Pending Deletion` where CAS reports it so). */
  status: string;
  /** True when the user is pending deletion. */
  markDeleted: boolean;
  /** The name of the user's identity source. */
  identitySource: string | null;
  /** The user's first name. */
  firstName: string | null;
  /** The user's last name. */
  lastName: string | null;
  /** When the user was last synchronized from the identity source (ISO 8601). */
  lastSyncTime: string | null;
}

/** @internal */
export function toSecurIdUser(user: CasUser): SecurIdUser {
  return {
    userId: user.id,
    email: user.emailAddress,
    status: user.userStatus,
    markDeleted: user.markDeleted === true,
    identitySource: user.identitySource ?? null,
    firstName: user.firstName ?? null,
    lastName: user.lastName ?? null,
    lastSyncTime: user.lastSyncTime ?? null,
  };
}
