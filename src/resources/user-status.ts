import * as pulumi from "@pulumi/pulumi";
import { isPendingDeletion, type CasUser } from "../client";
import { hasErrorCode, PendingDeletionError } from "../errors";
import type { ProviderContext } from "./context";
import { lookupExistingUser, lookupForRefresh } from "./lookup";
import { acceptedInputs, defined, InputChecker, isUnknown, sameEmail } from "./inputs";
import { providerFor } from "./thin-provider";

/** A status `UserStatus` can enforce. */
export type DesiredStatus = "Enabled" | "Disabled";

/** What `UserStatus` does when it leaves the stack. */
export type OnDelete = "keep" | "restore";

/** The arguments of a {@link UserStatus}. */
export interface UserStatusArgs {
  /**
   * The user's email address, as known to CAS (compared case-insensitively). Changing it replaces the
   * resource: the new user is adopted, the old one is handled by `onDelete`.
   */
  email: pulumi.Input<string>;
  /** The desired status: `"Enabled"` or `"Disabled"` (case-sensitive). */
  status: pulumi.Input<DesiredStatus>;
  /**
   * Also look in the identity source for a user not yet synchronized to CAS (slower: CAS synchronizes
   * the user before answering). Default `false`.
   */
  searchUnsynched?: pulumi.Input<boolean>;
  /**
   * What removing the resource from the stack does: `"keep"` (default) leaves the user as it is;
   * `"restore"` puts back `previousStatus`, the status the user had before this resource first
   * changed it.
   */
  onDelete?: pulumi.Input<OnDelete>;
}

/** The inputs the provider receives after `check`. */
export interface UserStatusInputs {
  email: string;
  status: DesiredStatus;
  searchUnsynched: boolean;
  onDelete: OnDelete;
}

/** The outputs the provider stores in the state. */
export interface UserStatusOutputs {
  userId: string;
  email: string;
  status: string;
  previousStatus: string;
  markDeleted: boolean;
  identitySource: string | null;
  firstName: string | null;
  lastName: string | null;
  lastSyncTime: string | null;
  smsNumber: string | null;
  voiceNumber: string | null;
  searchUnsynched: boolean;
  onDelete: OnDelete;
}

const INPUT_NAMES = ["email", "status", "searchUnsynched", "onDelete"] as const;
const STATUSES: readonly DesiredStatus[] = ["Enabled", "Disabled"];
const ON_DELETE: readonly OnDelete[] = ["keep", "restore"];

/** Whether the observed user already satisfies the desired status (the table of desired × current). */
function satisfies(desired: DesiredStatus, observed: { status: string; markDeleted: boolean }): boolean {
  if (observed.status === desired) return true;
  // A user pending deletion cannot sign in: that is what "Disabled" asks for.
  return (
    desired === "Disabled" &&
    isPendingDeletion({ markDeleted: observed.markDeleted, userStatus: observed.status })
  );
}

function outputsFrom(user: CasUser, inputs: UserStatusInputs, status: string, previousStatus: string) {
  return defined({
    userId: user.id,
    email: user.emailAddress,
    status,
    previousStatus,
    markDeleted: user.markDeleted === true,
    identitySource: user.identitySource ?? null,
    firstName: user.firstName ?? null,
    lastName: user.lastName ?? null,
    lastSyncTime: user.lastSyncTime ?? null,
    smsNumber: user.smsNumber ?? null,
    voiceNumber: user.voiceNumber ?? null,
    searchUnsynched: inputs.searchUnsynched,
    onDelete: inputs.onDelete,
  }) satisfies UserStatusOutputs;
}

function pendingDeletionError(email: string): PendingDeletionError {
  return new PendingDeletionError(`Cannot enable CAS user ${email}: the user is pending deletion.`, {
    user: email,
    hint:
      "CAS deletes such a user for good seven days after marking. To keep the user, cancel the deletion " +
      'in the Cloud Administration Console, run `pulumi refresh`, then `pulumi up`; otherwise set status "Disabled" ' +
      "or remove the resource.",
  });
}

/** The dynamic provider of {@link UserStatus}, run by the plugin process. */
export function userStatusProvider(ctx: ProviderContext) {
  async function setStatus(user: { id: string; email: string }, from: string, to: DesiredStatus) {
    const cas = await ctx.cas();
    const answer = await cas.users.setUserStatus(user.id, to, { email: user.email });
    ctx.log(`securid: ${user.email} (${user.id}) status ${from} -> ${answer.userStatus}`);
    return answer.userStatus;
  }

  function validate(news: Record<string, unknown>): pulumi.dynamic.CheckResult<UserStatusInputs> {
    const check = new InputChecker("UserStatus", news);
    const inputs = {
      email: check.email("email"),
      status: check.oneOf("status", STATUSES),
      searchUnsynched: check.boolean("searchUnsynched", false),
      onDelete: check.oneOf("onDelete", ON_DELETE, "keep"),
    };
    check.noOthers(INPUT_NAMES);
    if (check.failures.length > 0) return { failures: check.failures };
    return { inputs: inputs as UserStatusInputs };
  }

  /** Inputs as `check` returned them; anything else is a bug of the engine or of an old state. */
  const checked = (news: Record<string, unknown>): UserStatusInputs => acceptedInputs(validate(news));

  return {
    async check(_olds: unknown, news: Record<string, unknown>) {
      return validate(news);
    },

    async diff(
      _id: string,
      olds: UserStatusOutputs,
      news: UserStatusInputs,
    ): Promise<pulumi.dynamic.DiffResult> {
      if (isUnknown(news.email) || !sameEmail(olds.email, news.email)) {
        return { changes: true, replaces: ["email"], deleteBeforeReplace: false };
      }
      const drifted = isUnknown(news.status) || !satisfies(news.status, olds);
      const settingsChanged =
        olds.onDelete !== news.onDelete || Boolean(olds.searchUnsynched) !== Boolean(news.searchUnsynched);
      return { changes: drifted || settingsChanged };
    },

    async create(news: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult<UserStatusOutputs>> {
      const inputs = checked(news);
      const user = await lookupExistingUser(
        ctx,
        inputs.email,
        inputs.searchUnsynched,
        `No CAS user has the email ${inputs.email}.`,
      );
      const observed = user.userStatus;
      if (inputs.status === "Enabled" && isPendingDeletion(user))
        throw pendingDeletionError(user.emailAddress);
      let status = observed;
      if (!satisfies(inputs.status, { status: observed, markDeleted: user.markDeleted === true })) {
        status = await setStatus({ id: user.id, email: user.emailAddress }, observed, inputs.status);
      }
      return { id: user.id, outs: outputsFrom(user, inputs, status, observed) };
    },

    async update(
      id: string,
      olds: UserStatusOutputs,
      news: Record<string, unknown>,
    ): Promise<pulumi.dynamic.UpdateResult<UserStatusOutputs>> {
      const inputs = checked(news);
      let status = olds.status;
      if (!satisfies(inputs.status, olds)) {
        if (
          inputs.status === "Enabled" &&
          isPendingDeletion({ markDeleted: olds.markDeleted, userStatus: olds.status })
        )
          throw pendingDeletionError(olds.email);
        status = await setStatus({ id, email: olds.email }, olds.status, inputs.status);
      }
      return {
        outs: defined({
          ...olds,
          status,
          searchUnsynched: inputs.searchUnsynched,
          onDelete: inputs.onDelete,
        }),
      };
    },

    async read(
      id: string,
      props: UserStatusOutputs,
    ): Promise<{ id: string; props?: UserStatusOutputs; inputs?: UserStatusInputs }> {
      const inputs = { email: props.email, searchUnsynched: props.searchUnsynched === true };
      const user = await lookupForRefresh(ctx, inputs.email, inputs.searchUnsynched);
      // Gone from CAS: an empty id removes the resource from the state.
      if (!user) return { id: "" };
      const onDelete = props.onDelete ?? "keep";
      const observed: UserStatusInputs = {
        email: props.email,
        status: isPendingDeletion(user) ? "Disabled" : (user.userStatus as DesiredStatus),
        searchUnsynched: inputs.searchUnsynched,
        onDelete,
      };
      const outs = outputsFrom(user, observed, user.userStatus, props.previousStatus ?? user.userStatus);
      return { id: user.id || id, props: outs, inputs: defined({ ...observed }) };
    },

    async delete(id: string, props: UserStatusOutputs): Promise<void> {
      // "keep" (the default) leaves the user as it is: removing a line from a stack must never lock
      // anyone out or let anyone in.
      if (props.onDelete !== "restore") return;
      const previous = props.previousStatus;
      if (previous !== "Enabled" && previous !== "Disabled") return;
      const cas = await ctx.cas();
      try {
        const answer = await cas.users.setUserStatus(id, previous, { email: props.email });
        ctx.log(
          `securid: ${props.email} (${id}) status ${props.status} -> ${answer.userStatus} (restored on delete)`,
        );
      } catch (err) {
        if (hasErrorCode(err, "ERR_USER_NOT_FOUND")) return;
        if (hasErrorCode(err, "ERR_PENDING_DELETION")) {
          ctx.log(`securid: ${props.email} (${id}) is pending deletion: status ${previous} not restored`);
          return;
        }
        throw err;
      }
    },
  };
}

/**
 * The desired `Enabled`/`Disabled` status of one RSA SecurID Cloud Authentication Service user.
 *
 * Creating the resource adopts the existing user (looked up by email) and changes the status only
 * when it differs; removing it leaves the user as it is unless `onDelete` is `"restore"`.
 * `pulumi refresh` reads the user again, and the next `pulumi up` repairs any drift.
 *
 * @example
 * ```ts
 * new UserStatus("leaver-jane", { email: "jane.doe@example.com", status: "Disabled" });
 * ```
 */
export class UserStatus extends pulumi.dynamic.Resource {
  /** The CAS user id. */
  declare readonly userId: pulumi.Output<string>;
  /** The email address as CAS spells it. */
  declare readonly email: pulumi.Output<string>;
  /** The status CAS reported after the last apply or refresh (`Enabled`, `Disabled`, ...). */
  declare readonly status: pulumi.Output<string>;
  /** The status the user had before this resource first changed it (what `onDelete: "restore"` puts back). */
  declare readonly previousStatus: pulumi.Output<string>;
  /** True when the user is pending deletion (deleted for good seven days after being marked). */
  declare readonly markDeleted: pulumi.Output<boolean>;
  /** The name of the user's identity source. */
  declare readonly identitySource: pulumi.Output<string | null>;
  /** The user's first name. */
  declare readonly firstName: pulumi.Output<string | null>;
  /** The user's last name. */
  declare readonly lastName: pulumi.Output<string | null>;
  /** When the user was last synchronized from the identity source (ISO 8601). */
  declare readonly lastSyncTime: pulumi.Output<string | null>;
  /** The user's SMS number, when CAS shows it. Secret. */
  declare readonly smsNumber: pulumi.Output<string | null>;
  /** The user's voice number, when CAS shows it. Secret. */
  declare readonly voiceNumber: pulumi.Output<string | null>;
  /** Whether lookups also search the identity source. */
  declare readonly searchUnsynched: pulumi.Output<boolean>;
  /** What removing the resource does. */
  declare readonly onDelete: pulumi.Output<OnDelete>;

  /**
   * @param name The unique name of the resource in the stack.
   * @param args The user and the desired status.
   * @param opts Resource options.
   */
  constructor(name: string, args: UserStatusArgs, opts?: pulumi.CustomResourceOptions) {
    const secretOutputs = ["smsNumber", "voiceNumber"];
    super(
      providerFor("UserStatus"),
      name,
      {
        email: args.email,
        status: args.status,
        searchUnsynched: args.searchUnsynched,
        onDelete: args.onDelete,
        userId: undefined,
        previousStatus: undefined,
        markDeleted: undefined,
        identitySource: undefined,
        firstName: undefined,
        lastName: undefined,
        lastSyncTime: undefined,
        smsNumber: undefined,
        voiceNumber: undefined,
      },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...secretOutputs] },
      "securid",
      "UserStatus",
    );
  }
}
