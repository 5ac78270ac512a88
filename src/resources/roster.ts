import * as pulumi from "@pulumi/pulumi";
import {
  appliedRoster,
  checkNeverDisable,
  NEVER_DISABLE_KEY,
  neverDisableFromConfig,
  neverDisablePatterns,
  parseMaxChanges,
  readRoster,
  rosterFileSource,
  type Roster as RosterData,
  type RosterColumns,
} from "../roster";
import { InvalidInputError } from "../errors";
import { labelComponent } from "./declared-addresses";
import { environmentVariable } from "./settings-names";
import { RosterGuard } from "./roster-guard";
import { withoutPromiseStackTraces } from "./stack-traces";
import { UserStatus, type DesiredStatus, type IfMissing, type OnDelete } from "./user-status";

/** One user of an inline roster. */
export interface RosterUser {
  /** The user's email address. */
  email: string;
  /** `"Enabled"` or `"Disabled"`, or a value of `statusMap`. */
  status: string;
  /** Overrides the roster's `onDelete` for this user. */
  onDelete?: OnDelete;
}

/**
 * The arguments of a {@link Roster}. They are plain values, read when the program runs: the roster
 * decides which resources exist, so it cannot wait for another resource's output.
 */
export interface RosterArgs {
  /**
   * The roster file: `.json` (an array of records), `.yaml`/`.yml` (a list of records) or `.csv`
   * (a header row), relative to the program's directory. Set exactly one of `file` and `users`.
   */
  file?: string;
  /** The roster inline: a list of `{ email, status, onDelete? }`. */
  users?: RosterUser[];
  /**
   * The fields (JSON, YAML) or header columns (CSV) to read: default `email`, `status` and
   * `onDelete`; compared trimmed and case-insensitively.
   */
  columns?: RosterColumns;
  /**
   * The source's status values and what each means, e.g.
   * `{ Active: "Enabled", Terminated: "Disabled" }` (keys compared case-insensitively). Default:
   * `Enabled` and `Disabled`.
   */
  statusMap?: Record<string, DesiredStatus>;
  /**
   * The most roster changes (entries added, removed, or whose status changed, against the roster as
   * this stack last applied it) one update may make before it needs confirmation: a number, or
   * `"N%"` of the larger of the old and new roster. Default 25. Over it, `preview` and `up` fail
   * before any request; stack config `securid:confirmChanges` set to the exact count lets that one
   * update through.
   */
  maxChanges?: number | string;
  /**
   * Addresses, or patterns with `*`, that this roster may never declare `Disabled` (compared
   * case-insensitively), on top of stack config `securid:neverDisable`.
   */
  neverDisable?: string[];
  /** Passed to every user: what removing a user from the roster does (default `"keep"`). */
  onDelete?: OnDelete;
  /** Passed to every user: what adopting an address CAS does not know does (default `"fail"`). */
  ifMissing?: IfMissing;
  /** Passed to every user: also look in the identity source for users not yet synchronized. */
  searchUnsynched?: boolean;
}

/** What a {@link Roster} reports. */
export interface RosterSummary {
  /** Entries in the roster. */
  users: number;
  /** Entries declared `Enabled`. */
  enabled: number;
  /** Entries declared `Disabled`. */
  disabled: number;
  /** Roster changes the guard counted in the update that last changed the roster (0 when none did). */
  changes: number;
}

/** Reads and validates the whole roster, and its protected accounts, before anything is registered. */
function loadRoster(args: RosterArgs): RosterData {
  const hasFile = args.file !== undefined;
  const hasUsers = args.users !== undefined;
  if (hasFile === hasUsers) {
    throw new InvalidInputError(
      "Roster: set exactly one of file (a .json, .yaml or .csv file, relative to the program) and users (an inline list of { email, status })",
    );
  }
  const source = hasFile
    ? rosterFileSource(args.file as string)
    : { kind: "inline" as const, users: args.users };
  const roster = readRoster(source, { columns: args.columns, statusMap: args.statusMap });
  parseMaxChanges(args.maxChanges);
  // The stack config first, then the environment, as the provider reads every setting.
  const config =
    new pulumi.Config("securid").get(NEVER_DISABLE_KEY.slice("securid:".length)) ??
    process.env[environmentVariable(NEVER_DISABLE_KEY)];
  checkNeverDisable(roster, [...neverDisablePatterns(args.neverDisable), ...neverDisableFromConfig(config)]);
  return roster;
}

/**
 * The desired status of every user of a roster: the list HR hands over (JSON, YAML or CSV), or an
 * inline one. One {@link UserStatus} per entry, named by the lower-cased address, so that reordering
 * or reformatting the file changes nothing. The whole roster is validated before anything is
 * registered, and a guard refuses an update that changes more than `maxChanges` entries until stack
 * config `securid:confirmChanges` confirms its exact count.
 *
 * @example
 * ```ts
 * const staff = new Roster("staff", {
 *   file: "people.csv",
 *   columns: { email: "Work Email", status: "Worker Status" },
 *   statusMap: { Active: "Enabled", Terminated: "Disabled" },
 *   maxChanges: "5%",
 * });
 * export const summary = staff.summary;
 * ```
 */
export class Roster extends pulumi.ComponentResource {
  /** Counts of the roster, and the changes of the update that last changed it. */
  readonly summary: pulumi.Output<RosterSummary>;
  /** Lower-cased address -> the status CAS reports (`Enabled`, `Disabled`, `Absent`...). */
  readonly statuses: pulumi.Output<Record<string, string>>;
  /** The `UserStatus` of each entry, by lower-cased address. */
  readonly users: Readonly<Record<string, UserStatus>>;

  /**
   * @param name The unique name of the roster in the stack.
   * @param args The roster's source and how to read it.
   * @param opts Resource options.
   */
  constructor(name: string, args: RosterArgs, opts?: pulumi.ComponentResourceOptions) {
    const roster = loadRoster(args);
    super("securid:index:Roster", name, {}, opts);
    labelComponent(this, `Roster '${name}'`);

    const guard = new RosterGuard(
      `${name}-guard`,
      {
        roster: appliedRoster(roster.entries),
        maxChanges: args.maxChanges ?? 25,
        label: args.file ? `'${name}' (${args.file})` : `'${name}'`,
      },
      { parent: this },
    );

    const users: Record<string, UserStatus> = {};
    // Thousands of resources: without the SDK's per-promise stack traces (see stack-traces.ts).
    withoutPromiseStackTraces(() => {
      for (const entry of roster.entries) {
        users[entry.key] = new UserStatus(
          entry.key,
          {
            email: entry.email,
            status: entry.status,
            onDelete: entry.onDelete ?? args.onDelete,
            ifMissing: args.ifMissing,
            searchUnsynched: args.searchUnsynched,
          },
          {
            parent: this,
            dependsOn: [guard],
            // A stack that declared these users one by one, named by their address, moves them here
            // without a create or a delete.
            aliases: [{ name: entry.email, parent: undefined }],
          },
        );
      }
    });
    this.users = users;

    const enabled = roster.entries.filter((e) => e.status === "Enabled").length;
    this.summary = guard.changes.apply((changes): RosterSummary => ({
      users: roster.entries.length,
      enabled,
      disabled: roster.entries.length - enabled,
      changes: changes ?? 0,
    }));
    this.statuses = pulumi
      .all(Object.entries(users).map(([key, user]) => user.status.apply((status) => [key, status] as const)))
      .apply((pairs) => Object.fromEntries(pairs));
    this.registerOutputs({ summary: this.summary, statuses: this.statuses });
  }
}
