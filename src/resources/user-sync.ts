import * as pulumi from "@pulumi/pulumi";
import { isPendingDeletion, PENDING_DELETION } from "../client";
import type { ProviderContext } from "./context";
import { lookupExistingUser, findUser } from "./lookup";
import {
  acceptedInputs,
  canonicalJson,
  defined,
  InputChecker,
  isUnknown,
  sameEmail,
  show,
  UNKNOWN,
} from "./inputs";
import { providerFor } from "./thin-provider";

/** The arguments of a {@link UserSync}. Set exactly one of `email` and `userId`. */
export interface UserSyncArgs {
  /**
   * The user's email address, as known to CAS (compared case-insensitively). The user is looked up
   * first (one more request), which also gives `statusBefore`. Changing it to another user replaces the
   * resource: the new user is synchronized.
   */
  email?: pulumi.Input<string>;
  /** The CAS user id, when known: saves the lookup, but `statusBefore` is then unknown on create. */
  userId?: pulumi.Input<string>;
  /**
   * With `email`: also look in the identity source for a user not yet synchronized to CAS. Default
   * `false`. Not allowed with `userId`.
   */
  searchUnsynched?: pulumi.Input<boolean>;
  /**
   * Any JSON values, e.g. an HR record's version: the sync runs again when they change (compared as
   * JSON, object keys in any order), and on no other `pulumi up`.
   */
  triggers?: pulumi.Input<pulumi.Input<unknown>[]>;
}

/** The inputs the provider receives after `check`. */
export interface UserSyncInputs {
  email?: string;
  userId?: string;
  searchUnsynched: boolean;
  triggers?: unknown[];
}

/** The outputs the provider stores in the state. */
export interface UserSyncOutputs {
  userId: string;
  email: string;
  lastSyncTime: string | null;
  status: string;
  markDeleted: boolean;
  statusBefore?: string;
  statusAfter: string;
  statusChanged: boolean | null;
  searchUnsynched: boolean;
  triggers?: unknown[];
}

const INPUT_NAMES = ["email", "userId", "searchUnsynched", "triggers"] as const;

/**
 * The status a user has for the purpose of "did the sync change it": `Enabled`, `Disabled`, or
 * `Pending Deletion` for a user marked for deletion (shown either as `markDeleted: true` or as that
 * `userStatus`, depending on the tenant), so that being marked for deletion counts as a change.
 */
export function effectiveStatus(user: { userStatus: string; markDeleted?: boolean | null }): string {
  return isPendingDeletion(user) ? PENDING_DELETION : user.userStatus;
}

/** Whether a value is given (the engine sends `null` for an input set to `undefined` in some paths). */
function given(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/**
 * The dynamic provider of {@link UserSync}, run by the plugin process.
 *
 * @internal
 */
export function userSyncProvider(ctx: ProviderContext) {
  function validate(news: Record<string, unknown>): pulumi.dynamic.CheckResult<UserSyncInputs> {
    const check = new InputChecker("UserSync", news);
    const hasEmail = given(news.email);
    const hasUserId = given(news.userId);
    let email: string | undefined;
    let userId: string | undefined;
    if (hasEmail && hasUserId) {
      check.fail(
        "userId",
        "set either email or userId, not both: keep email (looked up first) or userId (no lookup)",
      );
    } else if (!hasEmail && !hasUserId) {
      check.fail(
        "email",
        'email or userId is required: set email to the user\'s address, e.g. "jane.doe@example.com", or userId to the CAS user id',
      );
    } else if (hasEmail) {
      email = check.email("email");
    } else {
      userId = check.pathSegment("userId", "f85b6e95-f41f-45b4-bc84-559fead6460c");
    }
    // An unknown value (preview) stays unknown: `diff` then plans an update rather than guessing.
    const searchUnsynched = isUnknown(news.searchUnsynched)
      ? (UNKNOWN as unknown as boolean)
      : check.boolean("searchUnsynched", false);
    if (searchUnsynched === true && hasUserId) {
      check.fail(
        "searchUnsynched",
        "searchUnsynched applies to an email lookup: remove it, or use email instead of userId",
      );
    }
    const triggers = news.triggers;
    if (given(triggers) && !isUnknown(triggers) && !Array.isArray(triggers)) {
      check.fail("triggers", `triggers must be a list of values, e.g. ["v42"], got ${show(triggers)}`);
    }
    check.noOthers(INPUT_NAMES);
    if (check.failures.length > 0) return { failures: check.failures };
    return {
      inputs: defined({
        email,
        userId,
        searchUnsynched,
        triggers: given(triggers) ? (triggers as unknown[]) : undefined,
      }),
    };
  }

  const checked = (news: Record<string, unknown>): UserSyncInputs => acceptedInputs(validate(news));

  /**
   * Runs the sync (one request) and reports what it did to the user's status. The outputs come from the
   * sync's answer, which is the whole user after the sync: no lookup afterwards.
   */
  async function sync(
    inputs: UserSyncInputs,
    userId: string,
    email: string | undefined,
    statusBefore: string | undefined,
  ): Promise<UserSyncOutputs> {
    const cas = await ctx.cas();
    const user = await cas.users.syncUser(userId, { email });
    const after = effectiveStatus(user);
    const changed = statusBefore === undefined ? null : statusBefore !== after;
    const what =
      changed === true
        ? `status changed ${statusBefore} -> ${after}`
        : changed === false
          ? `status ${after} (unchanged)`
          : `status ${after}`;
    ctx.log(
      `securid: synchronized ${user.emailAddress} (${user.id}) from ${user.identitySource ?? "its identity source"}: ${what}`,
    );
    return defined({
      userId: user.id,
      email: user.emailAddress,
      lastSyncTime: user.lastSyncTime ?? null,
      status: user.userStatus,
      markDeleted: user.markDeleted === true,
      statusBefore,
      statusAfter: after,
      statusChanged: changed,
      searchUnsynched: inputs.searchUnsynched,
      triggers: inputs.triggers,
    });
  }

  /** Whether the new inputs name the user of the state (unknown values do not, until known). */
  function sameUser(olds: UserSyncOutputs, news: UserSyncInputs): boolean {
    if (isUnknown(news.email) || isUnknown(news.userId)) return false;
    if (news.email !== undefined) return sameEmail(olds.email, news.email);
    return olds.userId === news.userId;
  }

  const sameTriggers = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);

  return {
    async check(_olds: unknown, news: Record<string, unknown>) {
      return validate(news);
    },

    /**
     * Another user: replace (the new user is synchronized on create). Other triggers: update (one sync).
     * Only `searchUnsynched` changed: update without request. Anything else, including drift of the
     * user's status: no change, so a no-op `up` sends nothing.
     */
    async diff(_id: string, olds: UserSyncOutputs, news: UserSyncInputs): Promise<pulumi.dynamic.DiffResult> {
      if (!sameUser(olds, news)) {
        return {
          changes: true,
          replaces: [news.email !== undefined ? "email" : "userId"],
          deleteBeforeReplace: false,
        };
      }
      const triggersChanged = !sameTriggers(olds.triggers, news.triggers);
      const settingsChanged =
        isUnknown(news.searchUnsynched) || Boolean(olds.searchUnsynched) !== Boolean(news.searchUnsynched);
      return { changes: triggersChanged || settingsChanged };
    },

    async create(news: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult<UserSyncOutputs>> {
      const inputs = checked(news);
      if (inputs.email !== undefined) {
        const user = await lookupExistingUser(
          ctx,
          inputs.email,
          inputs.searchUnsynched,
          `UserSync: no CAS user has the email ${inputs.email}; nothing was synchronized.`,
        );
        const outs = await sync(inputs, user.id, user.emailAddress, effectiveStatus(user));
        return { id: outs.userId, outs };
      }
      // No call reads a user by id without side effects: statusBefore is unknown.
      const outs = await sync(inputs, inputs.userId as string, undefined, undefined);
      return { id: outs.userId, outs };
    },

    async update(
      id: string,
      olds: UserSyncOutputs,
      news: Record<string, unknown>,
    ): Promise<pulumi.dynamic.UpdateResult<UserSyncOutputs>> {
      const inputs = checked(news);
      if (sameTriggers(olds.triggers, inputs.triggers)) {
        // Only searchUnsynched changed: no sync, the outputs stay as the last sync left them.
        return {
          outs: defined({ ...olds, searchUnsynched: inputs.searchUnsynched, triggers: inputs.triggers }),
        };
      }
      // The status before this sync is the one of the state: the last sync's answer, or the last refresh.
      const before =
        typeof olds.status === "string"
          ? effectiveStatus({ userStatus: olds.status, markDeleted: olds.markDeleted })
          : olds.statusAfter;
      return { outs: await sync(inputs, id, olds.email, before) };
    },

    /** `pulumi refresh`: one lookup by email, never a sync. A user gone from CAS leaves the state. */
    async read(id: string, props: UserSyncOutputs): Promise<pulumi.dynamic.ReadResult<UserSyncOutputs>> {
      const user = await findUser(ctx, props.email, props.searchUnsynched === true);
      if (!user) return { id: "" };
      const refreshed = defined({
        ...props,
        userId: user.id,
        email: user.emailAddress,
        lastSyncTime: user.lastSyncTime ?? null,
        status: user.userStatus,
        markDeleted: user.markDeleted === true,
      });
      return { id: user.id || id, props: refreshed };
    },

    async delete(): Promise<void> {
      // A sync cannot be undone; removing the resource only stops future syncs. No request.
    },
  };
}

/**
 * Runs the CAS Synchronize User call for one user: on create, and again whenever `triggers` (or the
 * user) change, once per change; on no other `pulumi up`. The preview shows it as a create or an
 * update. `pulumi refresh` reads the user again (one lookup) without synchronizing; removing the
 * resource sends nothing.
 *
 * A sync applies what the identity source says: it can disable the user or mark them for deletion,
 * and `statusChanged`, `statusBefore` and `statusAfter` report it (a line is printed too). When the
 * same stack also enforces the user's status, synchronize first and enforce afterwards, with
 * `dependsOn`: a {@link UserStatus} that wants `Enabled` a user the sync disabled then fails with
 * `ERR_DISABLED_BY_SYNC`, which says to enable the user in the directory first.
 *
 * @example
 * ```ts
 * const sync = new UserSync("jane-sync", { email: "jane.doe@example.com", triggers: [hrRecord.version] });
 * new UserStatus("jane", { email: "jane.doe@example.com", status: "Enabled" }, { dependsOn: [sync] });
 * ```
 */
export class UserSync extends pulumi.dynamic.Resource {
  /** The CAS user id. */
  declare readonly userId: pulumi.Output<string>;
  /** The email address as CAS spells it. */
  declare readonly email: pulumi.Output<string>;
  /** When the user was last synchronized (ISO 8601), as the last sync (or refresh) answered. */
  declare readonly lastSyncTime: pulumi.Output<string | null>;
  /** The user's `userStatus` after the last sync (or refresh). */
  declare readonly status: pulumi.Output<string>;
  /** True when the user is pending deletion after the last sync (or refresh). */
  declare readonly markDeleted: pulumi.Output<boolean>;
  /**
   * The status before the last sync: `Enabled`, `Disabled` or `Pending Deletion`; from the lookup (with
   * `email`) or from the state (on a later sync). Unset after a first sync by `userId`.
   */
  declare readonly statusBefore: pulumi.Output<string | undefined>;
  /** The status after the last sync, in the same form as `statusBefore`. */
  declare readonly statusAfter: pulumi.Output<string>;
  /**
   * True when the last sync changed the status or marked the user for deletion; `null` when
   * `statusBefore` is unknown.
   */
  declare readonly statusChanged: pulumi.Output<boolean | null>;
  /** Whether the lookup also searches the identity source. */
  declare readonly searchUnsynched: pulumi.Output<boolean>;

  /**
   * @param name The unique name of the resource in the stack.
   * @param args The user (email or userId) and the triggers.
   * @param opts Resource options.
   */
  constructor(name: string, args: UserSyncArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerFor("UserSync"),
      name,
      {
        email: args.email,
        userId: args.userId,
        searchUnsynched: args.searchUnsynched,
        triggers: args.triggers,
        lastSyncTime: undefined,
        status: undefined,
        markDeleted: undefined,
        statusBefore: undefined,
        statusAfter: undefined,
        statusChanged: undefined,
      },
      opts,
      "securid",
      "UserSync",
    );
  }
}
