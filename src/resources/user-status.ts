import * as pulumi from "@pulumi/pulumi";
import type { CasUser } from "../client";
import { hasErrorCode, InvalidInputError, PendingDeletionError, UserNotFoundError } from "../errors";
import type { AuditRecord, ProviderContext } from "./context";
import { declareAddress, resourceLabel } from "./declared-addresses";
import { declareUser, declaringAddress, noteReplacing, replacedPreviousStatus } from "./deployment-claims";
import { emailKey } from "./email";
import { findUser } from "./lookup";
import { acceptedInputs, defined, InputChecker, isUnknown, PROVIDER_KEY, sameEmail } from "./inputs";
import {
  ABSENT,
  adoptedPreviousStatus,
  planDiff,
  planRestore,
  planStatus,
  recordedObservation,
  RESTORE_IMPOSSIBLE,
  type DesiredStatus,
  type IfMissing,
  type Observed,
  type OnDelete,
  type Refusal,
  type RestoreSkip,
} from "./user-status-plan";
import { providerFor } from "./thin-provider";
import { NEVER_DISABLE_KEY, neverDisableFromConfig, protectingPattern } from "../roster/protected";

export type { DesiredStatus, IfMissing, OnDelete } from "./user-status-plan";

/** The arguments of a {@link UserStatus}. */
export interface UserStatusArgs {
  /**
   * The user's email address, as known to CAS (compared case-insensitively). Another address
   * replaces the resource: the new one adopts whoever CAS knows by that address; when that is the
   * same user (a rename), no status is written and the old resource restores nothing.
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
   * changed it, unless another resource of the stack now declares the same user.
   */
  onDelete?: pulumi.Input<OnDelete>;
  /**
   * What adopting an address CAS does not know does: `"fail"` (default: a typo in a leaver's address
   * must not pass silently) or `"ignore"`: a `"Disabled"` user CAS does not have is already what is
   * asked (`exists` is then `false`); an `"Enabled"` one always fails.
   */
  ifMissing?: pulumi.Input<IfMissing>;
}

/** The inputs the provider receives after `check`. */
export interface UserStatusInputs {
  email: string;
  status: DesiredStatus;
  searchUnsynched: boolean;
  onDelete: OnDelete;
  ifMissing: IfMissing;
}

/** The outputs the provider stores in the state. */
export interface UserStatusOutputs {
  /** The CAS user id; `null` for an address CAS has never known (`ifMissing: "ignore"`). */
  userId: string | null;
  email: string;
  /** `Enabled`, `Disabled`, `Absent` (CAS does not have the user), or what CAS shows. */
  status: string;
  previousStatus: string;
  exists: boolean;
  markDeleted: boolean;
  identitySource: string | null;
  firstName: string | null;
  lastName: string | null;
  lastSyncTime: string | null;
  smsNumber: string | null;
  voiceNumber: string | null;
  searchUnsynched: boolean;
  onDelete: OnDelete;
  ifMissing: IfMissing;
}

const INPUT_NAMES = ["email", "status", "searchUnsynched", "onDelete", "ifMissing"] as const;
const STATUSES: readonly DesiredStatus[] = ["Enabled", "Disabled"];
const ON_DELETE: readonly OnDelete[] = ["keep", "restore"];
const IF_MISSING: readonly IfMissing[] = ["fail", "ignore"];

/** The id of a resource whose address CAS has never known: stable, and never a CAS user id. */
const ABSENT_ID_PREFIX = "absent:";

function observe(user: CasUser | undefined): Observed {
  return user
    ? { exists: true, status: user.userStatus, markDeleted: user.markDeleted === true }
    : { exists: false };
}

function outputsFrom(
  user: CasUser,
  inputs: UserStatusInputs,
  status: string,
  previousStatus: string,
): UserStatusOutputs {
  return defined({
    userId: user.id,
    email: user.emailAddress,
    status,
    previousStatus,
    exists: true,
    markDeleted: user.markDeleted === true,
    identitySource: user.identitySource ?? null,
    firstName: user.firstName ?? null,
    lastName: user.lastName ?? null,
    lastSyncTime: user.lastSyncTime ?? null,
    smsNumber: user.smsNumber ?? null,
    voiceNumber: user.voiceNumber ?? null,
    searchUnsynched: inputs.searchUnsynched,
    onDelete: inputs.onDelete,
    ifMissing: inputs.ifMissing,
  });
}

/** The record of a user CAS does not have: what the state last knew of it, marked absent. */
function absentOutputs(
  email: string,
  inputs: Pick<UserStatusInputs, "searchUnsynched" | "onDelete" | "ifMissing">,
  known?: UserStatusOutputs,
): UserStatusOutputs {
  return {
    userId: known?.userId ?? null,
    email: known?.email ?? email,
    status: ABSENT,
    previousStatus: known?.previousStatus ?? ABSENT,
    exists: false,
    markDeleted: false,
    identitySource: known?.identitySource ?? null,
    firstName: known?.firstName ?? null,
    lastName: known?.lastName ?? null,
    lastSyncTime: known?.lastSyncTime ?? null,
    smsNumber: null,
    voiceNumber: null,
    searchUnsynched: inputs.searchUnsynched,
    onDelete: inputs.onDelete,
    ifMissing: inputs.ifMissing,
  };
}

/** The error for a desired status that cannot be reached; nothing was written. */
function refusal(reason: Refusal, email: string, searchUnsynched: boolean): Error {
  switch (reason) {
    case "not-found":
      return new UserNotFoundError(`No CAS user has the email ${email}.`, {
        user: email,
        hint: searchUnsynched
          ? 'Check the address: neither CAS nor its identity sources know it. For a leaver CAS has already deleted, set ifMissing: "ignore".'
          : 'Check the address; set `searchUnsynched: true` if the user exists in the identity source but is not yet synchronized to CAS; for a leaver CAS has already deleted, set ifMissing: "ignore".',
      });
    case "absent":
      return new UserNotFoundError(
        `Cannot enable CAS user ${email}: CAS no longer has this user (deleted, or never synchronized).`,
        {
          user: email,
          hint:
            "If the person is back, have the user created or synchronized in CAS (a UserSync, or the identity " +
            'source), then run `pulumi refresh` and `pulumi up`; otherwise declare status "Disabled" or remove the resource.',
        },
      );
    case "pending-deletion":
      return new PendingDeletionError(`Cannot enable CAS user ${email}: the user is pending deletion.`, {
        user: email,
        hint:
          "CAS deletes such a user for good seven days after marking. To keep the user, cancel the deletion " +
          'in the Cloud Administration Console, run `pulumi refresh`, then `pulumi up`; otherwise set status "Disabled" ' +
          "or remove the resource.",
      });
  }
}

function declaredTwice(email: string, other: string, userId: string): InvalidInputError {
  return new InvalidInputError(
    `UserStatus resources for ${other} and for ${email} both manage CAS user ${userId}: CAS resolves both ` +
      "addresses to one user, and one user can have only one desired status.",
    { user: email, hint: `Remove one of the two declarations; nothing was written for ${email}.` },
  );
}

/** What a removal that restores nothing prints, by reason (silent for the ordinary ones). */
const RESTORE_SKIPPED: Record<RestoreSkip, ((owner: string | undefined) => string) | undefined> = {
  keep: undefined,
  "nothing-recorded": undefined,
  "already-restored": undefined,
  "managed-elsewhere": (owner) => `not restored: the user is now managed by the resource for ${owner}`,
  absent: () => "not restored: CAS no longer has the user",
  "pending-deletion": () => "not restored: the user is pending deletion",
};

/**
 * Marks `err` as the failure of a create whose user is known: the plugin hands `id` and
 * `properties` to the engine, which records the resource (so the next `up` converges it instead of
 * adopting again). `properties` replace the outputs in the state, so they carry `__provider` too.
 */
function recordedFailure(err: unknown, id: string, properties: Record<string, unknown>): unknown {
  if (typeof err !== "object" || err === null) return err;
  const message = err instanceof Error ? err.message : String(err);
  return Object.assign(err, {
    message: `${message} The user is recorded in the state with the status CAS showed before; the next \`pulumi up\` checks it again.`,
    id,
    properties,
    reasons: [message],
  });
}

/**
 * Why `email` may not be declared `Disabled` under stack config `securid:neverDisable` (`config`, its
 * JSON text), if it may not. A malformed setting is reported against the whole resource, never
 * echoing the value.
 */
function protectionProblem(
  email: string,
  config: string | undefined,
): { property: string; reason: string } | undefined {
  let patterns;
  try {
    patterns = neverDisableFromConfig(config);
  } catch (err) {
    return { property: "", reason: (err as Error).message };
  }
  const pattern = protectingPattern(email, patterns);
  if (!pattern) return undefined;
  return {
    property: "status",
    reason:
      `${email} must never be Disabled: ${pattern.origin} protects it with "${pattern.pattern}". ` +
      `Declare it "Enabled", or change ${pattern.origin} if this account may be disabled; nothing was sent.`,
  };
}

/**
 * The dynamic provider of {@link UserStatus}, run by the plugin process.
 *
 * @internal
 */
export function userStatusProvider(ctx: ProviderContext) {
  async function writeStatus(
    user: { id: string; email: string },
    from: string,
    to: DesiredStatus,
    operation: AuditRecord["operation"],
  ): Promise<string> {
    const cas = await ctx.cas();
    const answer = await cas.users.setUserStatus(user.id, to, { email: user.email });
    const note = operation === "delete" ? " (restored on delete)" : "";
    ctx.log(`securid: ${user.email} (${user.id}) status ${from} -> ${answer.userStatus}${note}`);
    await ctx.audit({ email: user.email, userId: user.id, from, to: answer.userStatus, operation });
    return answer.userStatus;
  }

  function validate(news: Record<string, unknown>): pulumi.dynamic.CheckResult<UserStatusInputs> {
    const check = new InputChecker("UserStatus", news);
    const inputs = {
      email: check.email("email"),
      status: check.oneOf("status", STATUSES),
      searchUnsynched: check.boolean("searchUnsynched", false),
      onDelete: check.oneOf("onDelete", ON_DELETE, "keep"),
      ifMissing: check.oneOf("ifMissing", IF_MISSING, "fail"),
    };
    check.noOthers(INPUT_NAMES);
    if (inputs.status === "Disabled" && inputs.email !== undefined && !isUnknown(inputs.email)) {
      const problem = protectionProblem(inputs.email, ctx.setting(NEVER_DISABLE_KEY));
      if (problem) check.fail(problem.property, problem.reason);
    }
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
      id: string,
      olds: UserStatusOutputs,
      news: UserStatusInputs,
    ): Promise<pulumi.dynamic.DiffResult> {
      const plan = planDiff(olds, news, isUnknown, sameEmail);
      if (plan.replaces.length > 0) {
        // The replacement adopts whoever has the new address; if that is this user, it keeps the history.
        if (olds.previousStatus !== undefined) noteReplacing(id, olds.previousStatus);
      } else if (!id.startsWith(ABSENT_ID_PREFIX)) {
        const email = isUnknown(news.email) ? olds.email : news.email;
        const other = declareUser(id, email);
        if (other !== undefined) throw declaredTwice(email, other, id);
      }
      return { changes: plan.changes, replaces: plan.replaces, deleteBeforeReplace: false };
    },

    async create(news: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult<UserStatusOutputs>> {
      const inputs = checked(news);
      const user = await findUser(ctx, inputs.email, inputs.searchUnsynched);
      const observed = observe(user);
      const plan = planStatus(inputs.status, observed, { adopting: true, ifMissing: inputs.ifMissing });
      if (plan.action === "refuse") throw refusal(plan.reason, inputs.email, inputs.searchUnsynched);
      if (!user) {
        ctx.log(`securid: ${inputs.email} is not in CAS: nothing to disable (ifMissing: "ignore")`);
        return { id: ABSENT_ID_PREFIX + emailKey(inputs.email), outs: absentOutputs(inputs.email, inputs) };
      }
      const other = declareUser(user.id, inputs.email);
      if (other !== undefined) throw declaredTwice(inputs.email, other, user.id);
      const previousStatus = adoptedPreviousStatus(observed, replacedPreviousStatus(user.id));
      const outs = outputsFrom(user, inputs, user.userStatus, previousStatus);
      if (plan.action === "write") {
        try {
          const target = { id: user.id, email: user.emailAddress };
          outs.status = await writeStatus(target, user.userStatus, plan.to, "create");
        } catch (err) {
          throw recordedFailure(err, user.id, { ...outs, [PROVIDER_KEY]: news[PROVIDER_KEY] });
        }
      }
      return { id: user.id, outs };
    },

    async update(
      id: string,
      olds: UserStatusOutputs,
      news: Record<string, unknown>,
    ): Promise<pulumi.dynamic.UpdateResult<UserStatusOutputs>> {
      const inputs = checked(news);
      const observed = recordedObservation(olds);
      const plan = planStatus(inputs.status, observed, { adopting: false, ifMissing: inputs.ifMissing });
      if (plan.action === "refuse") throw refusal(plan.reason, olds.email, inputs.searchUnsynched);
      let status = olds.status;
      if (plan.action === "write") {
        status = await writeStatus({ id, email: olds.email }, olds.status, plan.to, "update");
      }
      return {
        outs: defined({
          ...olds,
          status,
          searchUnsynched: inputs.searchUnsynched,
          onDelete: inputs.onDelete,
          ifMissing: inputs.ifMissing,
        }),
      };
    },

    async read(
      id: string,
      props: UserStatusOutputs,
    ): Promise<{ id: string; props?: UserStatusOutputs; inputs?: UserStatusInputs }> {
      const settings = {
        searchUnsynched: props.searchUnsynched === true,
        onDelete: props.onDelete ?? "keep",
        ifMissing: props.ifMissing ?? "fail",
      };
      const user = await findUser(ctx, props.email, settings.searchUnsynched);
      // A user CAS deleted stays in the state, absent: "Disabled" is then satisfied with no request,
      // and a rehire shows up at the next refresh.
      const outs = user
        ? outputsFrom(
            user,
            { email: props.email, status: "Disabled", ...settings },
            user.userStatus,
            // Another id is another user (a rehire): its history starts now.
            user.id === id ? (props.previousStatus ?? user.userStatus) : user.userStatus,
          )
        : absentOutputs(props.email, settings, props);
      const observed = recordedObservation(outs);
      const inputs: UserStatusInputs = {
        email: props.email,
        status:
          observed.exists && observed.status === "Enabled" && !outs.markDeleted ? "Enabled" : "Disabled",
        ...settings,
      };
      return { id: user?.id ?? id, props: outs, inputs };
    },

    async delete(id: string, props: UserStatusOutputs): Promise<void> {
      // "keep" (the default) leaves the user as it is: removing a line from a stack must never lock
      // anyone out or let anyone in. "restore" never touches a user another resource now declares.
      const owner = declaringAddress(id);
      const plan = planRestore(props, owner !== undefined);
      const who = `securid: ${props.email} (${id})`;
      if (plan.action === "none") {
        const line = RESTORE_SKIPPED[plan.why];
        if (line) ctx.log(`${who} ${line(owner)}`);
        return;
      }
      try {
        await writeStatus({ id, email: props.email }, props.status, plan.to, "delete");
      } catch (err) {
        if (!RESTORE_IMPOSSIBLE.some((code) => hasErrorCode(err, code))) throw err;
        const why = err instanceof Error ? err.message : String(err);
        ctx.log(`${who} not restored to ${plan.to}, the resource leaves the state: ${why}`);
      }
    },
  };
}

/**
 * The desired `Enabled`/`Disabled` status of one RSA SecurID Cloud Authentication Service user.
 *
 * Creating the resource adopts the existing user (looked up by email) and changes the status only
 * when it differs; removing it leaves the user as it is unless `onDelete` is `"restore"`.
 * `pulumi refresh` reads the user again, and the next `pulumi up` repairs any drift. A user CAS
 * deleted stays in the state with `exists: false`: `"Disabled"` is then satisfied.
 *
 * @example
 * ```ts
 * new UserStatus("leaver-jane", { email: "jane.doe@example.com", status: "Disabled" });
 * ```
 */
export class UserStatus extends pulumi.dynamic.Resource {
  /** The CAS user id (`null` for an address CAS has never known, with `ifMissing: "ignore"`). */
  declare readonly userId: pulumi.Output<string | null>;
  /** The email address as CAS spells it. */
  declare readonly email: pulumi.Output<string>;
  /**
   * The status CAS reported after the last apply or refresh: `Enabled`, `Disabled`, or `Absent`
   * when CAS does not have the user.
   */
  declare readonly status: pulumi.Output<string>;
  /** The status the user had before this resource first changed it (what `onDelete: "restore"` puts back). */
  declare readonly previousStatus: pulumi.Output<string>;
  /** False when CAS does not have the user (deleted, or never there with `ifMissing: "ignore"`). */
  declare readonly exists: pulumi.Output<boolean>;
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
  /** What adoption does with an address CAS does not know. */
  declare readonly ifMissing: pulumi.Output<IfMissing>;

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
        email: declareAddress(resourceLabel("UserStatus", name, opts?.parent), args.email),
        status: args.status,
        searchUnsynched: args.searchUnsynched,
        onDelete: args.onDelete,
        ifMissing: args.ifMissing,
        userId: undefined,
        previousStatus: undefined,
        exists: undefined,
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
