/** The desired status of a roster entry, as `UserStatus` takes it. */
export type RosterStatus = "Enabled" | "Disabled";

/** The two statuses, in the order messages list them. */
export const ROSTER_STATUSES: readonly RosterStatus[] = ["Enabled", "Disabled"];

/** What happens to the user when its entry leaves the roster (see `UserStatus`'s `onDelete`). */
export type RosterOnDelete = "keep" | "restore";

/** The `onDelete` values, in the order messages list them. */
export const ROSTER_ON_DELETE: readonly RosterOnDelete[] = ["keep", "restore"];

/** One valid entry of a roster: one user and its desired status. */
export interface RosterEntry {
  /** The address as the roster writes it, trimmed. */
  email: string;
  /** The address as addresses are compared (`emailKey`): unique within a roster, names the child resource. */
  key: string;
  /** The desired status, after `statusMap`. */
  status: RosterStatus;
  /** Set when the entry says so; `UserStatus` defaults to `"keep"`. */
  onDelete?: RosterOnDelete;
  /** Where the entry is, for messages: `people.csv line 12`, `people.json entry [3]`, `users[3]`. */
  where: string;
}

/** The format of a roster file. */
export type RosterFileFormat = "json" | "yaml" | "csv";

/** A roster read and validated: every entry valid, no address twice. */
export interface Roster {
  /** The roster as messages name it: the file's path, or `users` for an inline list. */
  subject: string;
  /** Where the entries came from. */
  format: RosterFileFormat | "inline";
  /** The entries, in the roster's order. */
  entries: RosterEntry[];
}
