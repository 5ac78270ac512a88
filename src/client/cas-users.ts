import { z } from "zod";
import { InvalidInputError, type SecurIdError } from "../errors";
import { enableConflictError, userNotFoundError, type FailedCall } from "./http-errors";
import type { Transport } from "./transport";

/** `Enabled`, `Disabled`, `Pending Deletion`, or a value this version does not know. */
export type CasUserStatus = "Enabled" | "Disabled" | "Pending Deletion" | (string & {});

const userStatusSchema = z
  .string()
  .min(1)
  .transform((s): CasUserStatus => s);

/*
 * Fields no call decides on are read leniently: a value of another type than documented reads as
 * `null` instead of failing every call (a tenant answering `"highRiskUser": "false"` must not stop a
 * status change). `id`, `emailAddress`, `userStatus` and `markDeleted` stay strict: the resources act
 * on them.
 */
const lenientText = z.string().nullish().catch(null);
const lenientFlag = z.boolean().nullish().catch(null);

/**
 * A CAS user as the lookup, search and sync calls return it. Only `id`, `emailAddress` and `userStatus`
 * are required; unknown fields are dropped; an absent `markDeleted` reads as `false`; the other fields
 * are lenient (see above).
 */
export const casUserSchema = z.object({
  id: z.string().min(1),
  emailAddress: z.string(),
  userStatus: userStatusSchema,
  markDeleted: z
    .boolean()
    .nullish()
    .transform((v) => v === true),
  firstName: lenientText,
  lastName: lenientText,
  identitySource: lenientText,
  creationDate: lenientText,
  lastSyncTime: lenientText,
  markDeletedAt: lenientText,
  markDeletedBy: lenientText,
  smsNumber: lenientText,
  voiceNumber: lenientText,
  highRiskUser: lenientFlag,
  isTokenLocked: lenientFlag,
  isSmsLocked: lenientFlag,
  isVoiceLocked: lenientFlag,
  emergencyAccessStatus: lenientText,
  monthLastAuthenticated: lenientText,
});

export type CasUser = z.infer<typeof casUserSchema>;

/**
 * Search answers a list; tolerate a single object too. (A preprocess rather than a union, so a
 * mistyped field is named in the error, `0.userStatus`, instead of "invalid input".)
 */
export const casUserListSchema = z.preprocess(
  (value) => (Array.isArray(value) ? value : [value]),
  z.array(casUserSchema),
);

/** The answer of `PUT /v1/users/{id}/userStatus`: the status after the change. */
export const userStatusAnswerSchema = z.object({ id: z.string().min(1), userStatus: userStatusSchema });

export type UserStatusAnswer = z.infer<typeof userStatusAnswerSchema>;

/** A user pending deletion: `markDeleted`, or the status `Pending Deletion` some documents show. */
/** The `userStatus` one document lists for a user marked for deletion. */
export const PENDING_DELETION = "Pending Deletion";

export function isPendingDeletion(user: { markDeleted?: boolean | null; userStatus: string }): boolean {
  return user.markDeleted === true || user.userStatus === PENDING_DELETION;
}

/** Said when a write failed after CAS may have received it (a lost or cut answer, a 5xx). */
const STATUS_MAY_HAVE_CHANGED =
  "The change may have been applied all the same: `pulumi refresh` shows the user's current status in CAS.";
const SYNC_MAY_HAVE_RUN =
  "The synchronization may have run all the same: `pulumi refresh` shows the user's current status in CAS.";

const SCOPE_READ = ["rsa.user.read"] as const;
const SCOPE_MANAGE = ["rsa.user.manage"] as const;
const SCOPE_SYNC = ["rsa.user.sync", "rsa.user.manage"] as const;

function requireEmail(email: unknown, what: string): string {
  if (typeof email !== "string" || email.trim() === "") {
    throw new InvalidInputError(`Cannot ${what}: the email address is empty.`);
  }
  const trimmed = email.trim();
  if (/\s/.test(trimmed) || !/^[^@]+@[^@]+$/.test(trimmed)) {
    throw new InvalidInputError(`Cannot ${what}: "${trimmed}" is not an email address.`, { user: trimmed });
  }
  return trimmed;
}

function requireId(userId: unknown, what: string): string {
  if (typeof userId !== "string" || userId.trim() === "") {
    throw new InvalidInputError(`Cannot ${what}: the user id is empty.`);
  }
  return userId.trim();
}

/** The CAS user calls of the Cloud Administration API. */
export class CasUsersApi {
  constructor(private readonly transport: Transport) {}

  /** `POST /v1/users/lookup`: the user with this email (404 → `UserNotFoundError`). */
  async lookupUser(email: string, options: { searchUnsynched?: boolean } = {}): Promise<CasUser> {
    const address = requireEmail(email, "look up a CAS user");
    const searchUnsynched = options.searchUnsynched ?? false;
    const notFound = (call: FailedCall): SecurIdError | undefined =>
      call.status === 404
        ? userNotFoundError(
            call,
            `no CAS user has the email ${address}`,
            searchUnsynched
              ? "Check the address: neither CAS nor its identity sources know it."
              : "Check the address, or set searchUnsynched: true if the user is in the identity source but not yet synchronized to CAS.",
          )
        : undefined;
    return this.transport.request({
      method: "POST",
      path: "/v1/users/lookup",
      body: { email: address, searchUnsynched },
      schema: casUserSchema,
      operation: `look up CAS user ${address}`,
      user: address,
      scopes: SCOPE_READ,
      onError: notFound,
    });
  }

  /**
   * `POST /v1/users/search?pageSize=`: users whose email contains `emailLike` (exact match first, then by
   * email). No match → `[]`. A full page may mean there are more.
   */
  async searchUsers(emailLike: string, options: { pageSize?: number } = {}): Promise<CasUser[]> {
    if (typeof emailLike !== "string" || emailLike.trim() === "") {
      throw new InvalidInputError("Cannot search CAS users: emailLike is empty.");
    }
    const pageSize = options.pageSize ?? 25;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 25) {
      throw new InvalidInputError(
        `Cannot search CAS users: pageSize is ${String(pageSize)}; expected an integer from 1 to 25.`,
      );
    }
    const text = emailLike.trim();
    return this.transport.request({
      method: "POST",
      path: "/v1/users/search",
      query: { pageSize },
      body: { emailLike: text },
      schema: casUserListSchema,
      allowEmpty: [],
      operation: `search CAS users matching "${text}"`,
      scopes: SCOPE_READ,
    });
  }

  /**
   * `PUT /v1/users/{id}/userStatus`: answers the status after the change. 409 on enabling →
   * `PendingDeletionError`, `DisabledBySyncError` or `ConflictError`.
   */
  async setUserStatus(
    userId: string,
    status: "Enabled" | "Disabled",
    options: { email?: string } = {},
  ): Promise<UserStatusAnswer> {
    const id = requireId(userId, `set a CAS user to ${String(status)}`);
    if (status !== "Enabled" && status !== "Disabled") {
      throw new InvalidInputError(
        `Cannot set CAS user ${id}: status is "${String(status)}"; expected "Enabled" or "Disabled".`,
      );
    }
    const who = options.email ?? id;
    const onError = (call: FailedCall): SecurIdError | undefined => {
      if (call.status === 404)
        return userNotFoundError(
          call,
          `no CAS user has the id ${id}`,
          "The user may have been deleted: run pulumi refresh.",
        );
      if (call.status === 409 && status === "Enabled") return enableConflictError(call, who);
      return undefined;
    };
    return this.transport.request({
      method: "PUT",
      path: `/v1/users/${encodeURIComponent(id)}/userStatus`,
      body: { userStatus: status },
      schema: userStatusAnswerSchema,
      operation: `set CAS user ${who} to ${status}`,
      user: who,
      scopes: SCOPE_MANAGE,
      onError,
      maybeAppliedHint: STATUS_MAY_HAVE_CHANGED,
    });
  }

  /** `POST /v1/users/{id}/sync` (empty body, `Content-Length: 0`): the user after the sync. */
  async syncUser(userId: string, options: { email?: string } = {}): Promise<CasUser> {
    const id = requireId(userId, "synchronize a CAS user");
    const who = options.email ?? id;
    const onError = (call: FailedCall): SecurIdError | undefined =>
      call.status === 404
        ? userNotFoundError(
            call,
            `no CAS user has the id ${id}`,
            "The user may have been deleted: run pulumi refresh.",
          )
        : undefined;
    return this.transport.request({
      method: "POST",
      path: `/v1/users/${encodeURIComponent(id)}/sync`,
      emptyBody: true,
      schema: casUserSchema,
      operation: `synchronize CAS user ${who}`,
      user: who,
      scopes: SCOPE_SYNC,
      onError,
      maybeAppliedHint: SYNC_MAY_HAVE_RUN,
    });
  }
}
