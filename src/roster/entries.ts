import { emailKey, emailProblem } from "../resources/email";
import { ROSTER_ON_DELETE, type RosterEntry, type RosterOnDelete } from "./entry";
import type { ProblemList } from "./problems";
import type { RosterRow } from "./rows";
import type { StatusMap } from "./status-map";
import { quote } from "./text";

/** The character a decoder puts where the bytes were not UTF-8. */
const REPLACEMENT = "\uFFFD";
const NOT_UTF8 = "holds U+FFFD, the mark of bytes that were not UTF-8: save the file as UTF-8";

/**
 * Checks every row's values (the one email rule, the status through the map, `onDelete`) and that no
 * address appears twice (compared as `emailKey`), adding a problem for each failure. Returns the
 * valid entries, in order; they are only usable when no problem was added.
 */
export function validateRows(
  rows: readonly RosterRow[],
  statuses: StatusMap,
  problems: ProblemList,
): RosterEntry[] {
  const firstPlace = new Map<string, string>();
  const entries: RosterEntry[] = [];
  for (const row of rows) {
    for (const problem of row.problems) problems.add(row.where, problem);
    const email = checkEmail(row, problems);
    let key: string | undefined;
    if (email !== undefined) {
      key = emailKey(email);
      const first = firstPlace.get(key);
      if (first !== undefined) {
        problems.add(
          row.where,
          `${email} is already listed at ${first} (addresses are compared case-insensitively); keep one entry per user`,
        );
        key = undefined;
      } else {
        firstPlace.set(key, row.where);
      }
    }
    const status = row.status === undefined ? undefined : statuses.statusOf(row.status);
    if (row.status !== undefined && status === undefined) {
      const encoding = row.status.includes(REPLACEMENT) ? `; it ${NOT_UTF8}` : "";
      problems.add(row.where, statuses.unknownValue(row.status) + encoding);
    }
    const onDelete = checkOnDelete(row, problems);
    if (row.problems.length > 0 || email === undefined || key === undefined) continue;
    if (status === undefined || onDelete === false) continue;
    const entry: RosterEntry = { email, key, status, where: row.where };
    if (onDelete !== undefined) entry.onDelete = onDelete;
    entries.push(entry);
  }
  return entries;
}

function checkEmail(row: RosterRow, problems: ProblemList): string | undefined {
  if (row.email === undefined) return undefined;
  const email = row.email.trim();
  if (email === "") {
    problems.add(row.where, "email is empty; every entry needs the user's address");
    return undefined;
  }
  const problem = emailProblem(row.email);
  if (problem !== undefined || email.includes(REPLACEMENT)) {
    problems.add(row.where, `email ${quote(email)} ${problem ?? NOT_UTF8}`);
    return undefined;
  }
  return email;
}

/** The entry's `onDelete` (`keep`/`restore`, any case), `undefined` when empty, `false` when invalid. */
function checkOnDelete(row: RosterRow, problems: ProblemList): RosterOnDelete | undefined | false {
  if (row.onDelete === undefined || row.onDelete.trim() === "") return undefined;
  const value = row.onDelete.trim().toLowerCase();
  const known = ROSTER_ON_DELETE.find((option) => option === value);
  if (known) return known;
  problems.add(
    row.where,
    `onDelete ${quote(row.onDelete)} is neither keep nor restore; set one of them, or leave it empty for keep`,
  );
  return false;
}
