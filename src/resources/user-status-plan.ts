/**
 * What `UserStatus` decides, as pure functions over plain data: desired and observed state in, what
 * to write and what to record out. The provider (`user-status.ts`) only gathers the data, calls
 * these and carries the result out; every rule of the resource's life is here, tested as a table.
 */
import { isPendingDeletion } from "../client/cas-users";
import type { SecurIdErrorCode } from "../errors";

/** A status `UserStatus` can enforce. */
export type DesiredStatus = "Enabled" | "Disabled";

/** What `UserStatus` does when it leaves the stack. */
export type OnDelete = "keep" | "restore";

/** What adoption does with a user CAS does not have. */
export type IfMissing = "fail" | "ignore";

/** The `status` output of a user CAS does not have (deleted, or never there). */
export const ABSENT = "Absent";

/** The user as CAS shows it, or its absence. */
export type Observed =
  | { exists: false }
  | {
      exists: true;
      /** `Enabled`, `Disabled`, or what a tenant shows for a user pending deletion. */
      status: string;
      markDeleted: boolean;
    };

/** Why a desired status cannot be reached; each has its own message for the administrator. */
export type Refusal =
  /** Adoption of an address CAS does not know, with `ifMissing: "fail"`. */
  | "not-found"
  /** `Enabled` for a user CAS no longer has (deleted, or never there with `ifMissing: "ignore"`). */
  | "absent"
  /** `Enabled` for a user pending deletion. */
  | "pending-deletion";

/** The outcome for one user: nothing to do, one write, or a refusal (nothing is written). */
export type StatusPlan =
  { action: "none" } | { action: "write"; to: DesiredStatus } | { action: "refuse"; reason: Refusal };

/** True when CAS marks the user for deletion, in either way a tenant shows it (the client's rule). */
function pendingDeletion(observed: { status: string; markDeleted: boolean }): boolean {
  return isPendingDeletion({ markDeleted: observed.markDeleted, userStatus: observed.status });
}

/**
 * The table of desired × observed status. `adopting` is true on create, when the user is first
 * looked up; afterwards a user gone from CAS is judged by what is declared, not by `ifMissing`.
 *
 * | observed                 | desired `Disabled`  | desired `Enabled`        |
 * | ------------------------ | ------------------- | ------------------------ |
 * | absent, adopting, fail   | refuse: not-found   | refuse: not-found        |
 * | absent, otherwise        | none                | refuse: absent           |
 * | pending deletion         | none                | refuse: pending-deletion |
 * | the desired status       | none                | none                     |
 * | the other status         | write Disabled      | write Enabled            |
 */
export function planStatus(
  desired: DesiredStatus,
  observed: Observed,
  opts: { adopting: boolean; ifMissing: IfMissing },
): StatusPlan {
  if (!observed.exists) {
    if (opts.adopting && opts.ifMissing === "fail") return { action: "refuse", reason: "not-found" };
    return desired === "Disabled" ? { action: "none" } : { action: "refuse", reason: "absent" };
  }
  // A user pending deletion cannot sign in: that is what "Disabled" asks for, and it cannot be enabled.
  if (pendingDeletion(observed)) {
    return desired === "Disabled" ? { action: "none" } : { action: "refuse", reason: "pending-deletion" };
  }
  if (observed.status === desired) return { action: "none" };
  return { action: "write", to: desired };
}

/** Whether the observed user already satisfies the desired status (what `diff` asks). */
export function isSatisfied(desired: DesiredStatus, observed: Observed): boolean {
  return planStatus(desired, observed, { adopting: false, ifMissing: "ignore" }).action === "none";
}

/** What the state says about the user a resource manages (its outputs, from any version). */
export interface RecordedUser {
  status: string;
  markDeleted?: boolean;
  /** Absent from outputs written before 0.2.0: those users existed. */
  exists?: boolean;
  previousStatus?: string;
  onDelete?: OnDelete;
}

/** The observed user as the state records it. */
export function recordedObservation(recorded: RecordedUser): Observed {
  if (recorded.exists === false || recorded.status === ABSENT) return { exists: false };
  return { exists: true, status: recorded.status, markDeleted: recorded.markDeleted === true };
}

/**
 * The status to record as `previousStatus` when a resource adopts a user: what a resource of the
 * same stack being replaced recorded for this very user (a rename keeps its history), else what CAS
 * shows now.
 */
export function adoptedPreviousStatus(observed: Observed, replacedRecord: string | undefined): string {
  if (replacedRecord !== undefined) return replacedRecord;
  return observed.exists ? observed.status : ABSENT;
}

/** Why a removal with `onDelete: "restore"` sends nothing. */
export type RestoreSkip =
  /** `onDelete: "keep"`: the user stays as it is. */
  | "keep"
  /** Another resource of the stack declares this user in this deployment: it owns the status now. */
  | "managed-elsewhere"
  /** CAS no longer has the user. */
  | "absent"
  /** The user is pending deletion: nothing can be enabled. */
  | "pending-deletion"
  /** The user already has `previousStatus`. */
  | "already-restored"
  /** No status to restore (the user was absent when adopted). */
  | "nothing-recorded";

/** What removing a resource does to its user. */
export type RestorePlan = { action: "none"; why: RestoreSkip } | { action: "write"; to: DesiredStatus };

/**
 * The removal table. `managedElsewhere` is true when another resource of the stack declared the same
 * CAS user during this deployment (a rename, or the user moved to another resource).
 */
export function planRestore(recorded: RecordedUser, managedElsewhere: boolean): RestorePlan {
  if (recorded.onDelete !== "restore") return { action: "none", why: "keep" };
  const previous = recorded.previousStatus;
  if (previous !== "Enabled" && previous !== "Disabled") return { action: "none", why: "nothing-recorded" };
  if (managedElsewhere) return { action: "none", why: "managed-elsewhere" };
  const observed = recordedObservation(recorded);
  if (!observed.exists) return { action: "none", why: "absent" };
  if (pendingDeletion(observed)) return { action: "none", why: "pending-deletion" };
  if (observed.status === previous) return { action: "none", why: "already-restored" };
  return { action: "write", to: previous };
}

/**
 * API error codes that mean a restore cannot happen and will not by retrying: the resource leaves
 * the state with a log line instead of failing every later `up`.
 */
export const RESTORE_IMPOSSIBLE: readonly SecurIdErrorCode[] = [
  "ERR_USER_NOT_FOUND",
  "ERR_PENDING_DELETION",
  "ERR_DISABLED_BY_SYNC",
  "ERR_CONFLICT",
];

/** The inputs `diff` compares (as `check` returned them; unknown values are the engine's marker). */
export interface DiffInputs {
  email: string;
  status: DesiredStatus;
  searchUnsynched: boolean;
  onDelete: OnDelete;
  ifMissing: IfMissing;
}

/** What `diff` answers: the engine's plan for the resource. */
export interface DiffPlan {
  changes: boolean;
  /** Inputs whose change replaces the resource. */
  replaces: string[];
  /** Inputs that differ (for the reader of a preview). */
  diffs: string[];
}

/**
 * The diff table. `unknown(value)` tells an input not known yet (a preview of an output still to be
 * computed); `sameEmail` compares addresses as CAS does.
 *
 * - another email replaces the resource: the new one adopts whoever CAS knows by that address, and
 *   the old one's `onDelete` runs unless the same user is still declared (a rename);
 * - an email not known yet is shown as an update: most often it resolves to the same address;
 * - a status not satisfied by what the state recorded (drift found by refresh, a new declaration) is
 *   an update; so is a change of `onDelete`, `searchUnsynched` or `ifMissing` (no request).
 */
export function planDiff(
  recorded: RecordedUser & { email: string; searchUnsynched?: boolean; ifMissing?: IfMissing },
  news: DiffInputs,
  unknown: (value: unknown) => boolean,
  sameEmail: (a: string, b: string) => boolean,
): DiffPlan {
  const diffs: string[] = [];
  if (unknown(news.email) || !sameEmail(recorded.email, news.email)) diffs.push("email");
  if (unknown(news.status) || !isSatisfied(news.status, recordedObservation(recorded))) diffs.push("status");
  if ((recorded.onDelete ?? "keep") !== news.onDelete) diffs.push("onDelete");
  if (Boolean(recorded.searchUnsynched) !== Boolean(news.searchUnsynched)) diffs.push("searchUnsynched");
  if ((recorded.ifMissing ?? "fail") !== news.ifMissing) diffs.push("ifMissing");
  const replaces = diffs.includes("email") && !unknown(news.email) ? ["email"] : [];
  return { changes: diffs.length > 0, replaces, diffs };
}
