import * as pulumi from "@pulumi/pulumi";
import type { CasUser } from "../client";
import { hasErrorCode, SecurIdError, UserNotFoundError } from "../errors";
import type { ProviderContext } from "./context";
import { canonicalJson, defined, InputChecker, isUnknown, sameEmail, show } from "./inputs";
import { providerFor } from "./thin-provider";

/** The arguments of a {@link UserSync}. Set exactly one of `email` and `userId`. */
export interface UserSyncArgs {
  /** The user's email address (looked up first, compared case-insensitively). */
  email?: pulumi.Input<string>;
  /** The CAS user id, when known (saves the lookup). */
  userId?: pulumi.Input<string>;
  /** With `email`: also look in the identity source for a user not yet synchronized. Default `false`. */
  searchUnsynched?: pulumi.Input<boolean>;
  /**
   * Any JSON values: the sync runs again whenever they change (for example an HR record's version),
   * and on no other `pulumi up`.
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

/** The status a user has for the purpose of "did the sync change it": deletion counts. */
function effectiveStatus(user: { userStatus: string; markDeleted?: boolean | null }): string {
  return user.markDeleted === true ? `${user.userStatus} (pending deletion)` : user.userStatus;
}

/** The dynamic provider of {@link UserSync}, run by the plugin process. */
export function userSyncProvider(ctx: ProviderContext) {
  function validate(news: Record<string, unknown>): pulumi.dynamic.CheckResult<UserSyncInputs> {
    const check = new InputChecker("UserSync", news);
    const hasEmail = news.email !== undefined && news.email !== null;
    const hasUserId = news.userId !== undefined && news.userId !== null;
    let email: string | undefined;
    let userId: string | undefined;
    if (hasEmail && hasUserId) {
      check.fail("userId", "set either email or userId, not both: remove one of them");
    } else if (!hasEmail && !hasUserId) {
      check.fail(
        "email",
        'email or userId is required: set email to the user\'s address, e.g. "jane.doe@example.com"',
      );
    } else if (hasEmail) {
      email = check.email("email");
    } else {
      userId = check.string("userId", { required: true, example: "f85b6e95-f41f-45b4-bc84-559fead6460c" });
    }
    const searchUnsynched = check.boolean("searchUnsynched", false);
    if (searchUnsynched && hasUserId) {
      check.fail(
        "searchUnsynched",
        "searchUnsynched applies to an email lookup: remove it or use email instead of userId",
      );
    }
    const triggers = news.triggers;
    if (triggers !== undefined && triggers !== null && !isUnknown(triggers) && !Array.isArray(triggers)) {
      check.fail("triggers", `triggers must be a list of values, e.g. ["v42"], got ${show(triggers)}`);
    }
    check.noOthers(INPUT_NAMES);
    if (check.failures.length > 0) return { failures: check.failures };
    return {
      inputs: defined({
        email,
        userId,
        searchUnsynched,
        triggers: triggers === null ? undefined : (triggers as unknown[] | undefined),
      }),
    };
  }

  function checked(news: Record<string, unknown>): UserSyncInputs {
    const result = validate(news);
    if (result.failures?.length) {
      throw new SecurIdError("ERR_INVALID_INPUT", result.failures.map((f) => f.reason).join("; "));
    }
    return result.inputs as UserSyncInputs;
  }

  async function lookup(email: string, searchUnsynched: boolean): Promise<CasUser> {
    const cas = await ctx.cas();
    try {
      return await cas.users.lookupUser(email, { searchUnsynched });
    } catch (err) {
      if (hasErrorCode(err, "ERR_USER_NOT_FOUND")) {
        throw new UserNotFoundError(`No CAS user has the email ${email}.`, {
          user: email,
          cause: err,
          hint: searchUnsynched
            ? "Check the address: neither CAS nor its identity sources know it."
            : "Check the address, or set `searchUnsynched: true` if the user is in the identity source but not yet synchronized.",
        });
      }
      throw err;
    }
  }

  /** Runs the sync and reports what it did to the user's status. */
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
    const what = changed
      ? `status ${statusBefore} -> ${after}`
      : `status ${after}${changed === null ? "" : " (unchanged)"}`;
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

  function sameUser(olds: UserSyncOutputs, news: UserSyncInputs): boolean {
    if (isUnknown(news.email) || isUnknown(news.userId)) return false;
    if (news.email !== undefined) return sameEmail(olds.email, news.email);
    return olds.userId === news.userId;
  }

  return {
    async check(_olds: unknown, news: Record<string, unknown>) {
      return validate(news);
    },

    async diff(_id: string, olds: UserSyncOutputs, news: UserSyncInputs): Promise<pulumi.dynamic.DiffResult> {
      if (!sameUser(olds, news)) {
        return {
          changes: true,
          replaces: [news.email !== undefined ? "email" : "userId"],
          deleteBeforeReplace: false,
        };
      }
      const triggersChanged =
        isUnknown(news.triggers) || canonicalJson(olds.triggers) !== canonicalJson(news.triggers);
      const settingsChanged = Boolean(olds.searchUnsynched) !== Boolean(news.searchUnsynched);
      return { changes: triggersChanged || settingsChanged };
    },

    async create(news: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult<UserSyncOutputs>> {
      const inputs = checked(news);
      if (inputs.email !== undefined) {
        const user = await lookup(inputs.email, inputs.searchUnsynched);
        const outs = await sync(inputs, user.id, user.emailAddress, effectiveStatus(user));
        return { id: outs.userId, outs };
      }
      const outs = await sync(inputs, inputs.userId as string, undefined, undefined);
      return { id: outs.userId, outs };
    },

    async update(
      id: string,
      olds: UserSyncOutputs,
      news: Record<string, unknown>,
    ): Promise<pulumi.dynamic.UpdateResult<UserSyncOutputs>> {
      const inputs = checked(news);
      if (canonicalJson(olds.triggers) === canonicalJson(inputs.triggers)) {
        // Only a setting changed: no sync, the user is the same.
        return {
          outs: defined({ ...olds, searchUnsynched: inputs.searchUnsynched, triggers: inputs.triggers }),
        };
      }
      return { outs: await sync(inputs, id, olds.email, olds.statusAfter) };
    },

    async read(id: string, props: UserSyncOutputs): Promise<pulumi.dynamic.ReadResult<UserSyncOutputs>> {
      let user: CasUser;
      try {
        user = await (
          await ctx.cas()
        ).users.lookupUser(props.email, { searchUnsynched: props.searchUnsynched === true });
      } catch (err) {
        if (hasErrorCode(err, "ERR_USER_NOT_FOUND")) return { id: "" };
        throw err;
      }
      const props2 = defined({
        ...props,
        userId: user.id,
        email: user.emailAddress,
        lastSyncTime: user.lastSyncTime ?? null,
        status: user.userStatus,
        markDeleted: user.markDeleted === true,
      });
      return { id: user.id || id, props: props2 };
    },

    async delete(): Promise<void> {
      // A sync cannot be undone; removing the resource only stops future syncs.
    },
  };
}

/** The provider type, as `provider-entry.ts` exposes it. */
export type UserSyncProvider = ReturnType<typeof userSyncProvider>;

/**
 * Runs the CAS Synchronize User call for one user: on create, and again whenever `triggers` (or the
 * user) change. Use it before a {@link UserStatus} of the same user (`dependsOn`), since a directory
 * sync can disable a user that the stack wants enabled: `statusChanged` says when it did.
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
  /** When the user was last synchronized (ISO 8601), as the sync answered. */
  declare readonly lastSyncTime: pulumi.Output<string | null>;
  /** The user's status after the last sync (or refresh). */
  declare readonly status: pulumi.Output<string>;
  /** True when the user is pending deletion after the sync. */
  declare readonly markDeleted: pulumi.Output<boolean>;
  /** The status before the last sync, when known (`"Disabled (pending deletion)"` style for users marked deleted). */
  declare readonly statusBefore: pulumi.Output<string | undefined>;
  /** The status after the last sync, in the same form as `statusBefore`. */
  declare readonly statusAfter: pulumi.Output<string>;
  /** Whether the last sync changed the status or marked the user for deletion (`null` when `statusBefore` is unknown). */
  declare readonly statusChanged: pulumi.Output<boolean | null>;

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
