import type { RosterEntry, RosterStatus } from "./entry";
import { rosterError } from "./problems";

/** First line of an applied roster: the version of the form, so that a later form can be told apart. */
export const APPLIED_ROSTER_HEADER = "securid-roster v1";

/** Where an applied roster lives, for messages. */
const STATE = "the roster recorded in the stack's state";

/** Compares keys by UTF-16 code units: the same order on every machine, whatever its locale. */
export function byKey(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/**
 * The compact, order-independent form of a roster as applied, for the stack's state: a header line,
 * then one `key status` line per entry (`ada@example.com Enabled`), sorted by key. Reordering the
 * source, reformatting it or adding a column gives the same text; 10,000 entries take about 300 KB.
 * (An address has no whitespace, so the last space separates the key from the status.)
 */
export function appliedRoster(entries: readonly Pick<RosterEntry, "key" | "status">[]): string {
  const lines = entries.map((e) => ({ key: e.key, line: `${e.key} ${e.status}` })).sort(byKey);
  return [APPLIED_ROSTER_HEADER, ...lines.map((l) => l.line)].join("\n");
}

/**
 * The entries of an applied roster (key to status). Text in another form (edited by hand, or written
 * by a later version) throws a `RosterError` rather than being read as an empty roster.
 */
export function parseAppliedRoster(text: string): Map<string, RosterStatus> {
  const lines = text.split("\n");
  const fail = (problem: string): never => {
    throw rosterError(STATE, [
      {
        place: STATE,
        problem: `${problem}; it was not written by this version of pulumi-securid. Restore the state from a backup, or upgrade pulumi-securid`,
      },
    ]);
  };
  if (lines[0] !== APPLIED_ROSTER_HEADER) fail(`it does not start with "${APPLIED_ROSTER_HEADER}"`);
  const entries = new Map<string, RosterStatus>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const space = line.lastIndexOf(" ");
    const status = line.slice(space + 1);
    if (space <= 0 || (status !== "Enabled" && status !== "Disabled"))
      fail(`line ${i + 1} is not "address status"`);
    entries.set(line.slice(0, space), status as RosterStatus);
  }
  return entries;
}
