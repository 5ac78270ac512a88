import { byKey, parseAppliedRoster } from "./applied";
import type { RosterEntry, RosterStatus } from "./entry";

/** An entry that the last applied roster did not have. */
export interface AddedEntry {
  key: string;
  email: string;
  status: RosterStatus;
}

/** An entry of the last applied roster that the new one no longer has. */
export interface RemovedEntry {
  key: string;
  status: RosterStatus;
}

/** An entry whose status differs from the last applied roster's. */
export interface ChangedEntry {
  key: string;
  email: string;
  from: RosterStatus;
  to: RosterStatus;
}

/** What an update would change, against the roster as this stack last applied it. Lists are sorted by key. */
export interface RosterChanges {
  added: AddedEntry[];
  removed: RemovedEntry[];
  changed: ChangedEntry[];
  /** `added + removed + changed`: what the guard counts. */
  total: number;
  /** Entries of the last applied roster (0 on the first apply). */
  previousSize: number;
  /** Entries of the new roster. */
  nextSize: number;
  /** True when nothing was applied before: every entry counts as added. */
  firstApply: boolean;
}

/**
 * Counts the entries added, removed, or whose status changed, between the roster as last applied
 * (`appliedRoster` text from the state; `undefined` on the first apply, when every entry counts as
 * added) and the new entries (unique keys, as `readRoster` returns them). Order, formatting,
 * `onDelete` and unchanged entries count nothing; an empty new roster counts every removal.
 * Linear in the number of entries (maps), plus the sort of the changes.
 */
export function countChanges(
  previous: string | undefined,
  next: readonly Pick<RosterEntry, "key" | "email" | "status">[],
): RosterChanges {
  const before = previous === undefined ? new Map<string, RosterStatus>() : parseAppliedRoster(previous);
  const added: AddedEntry[] = [];
  const changed: ChangedEntry[] = [];
  const seen = new Set<string>();
  for (const { key, email, status } of next) {
    if (seen.has(key))
      throw new Error(`countChanges: ${key} is listed twice; pass the entries of readRoster`);
    seen.add(key);
    const was = before.get(key);
    if (was === undefined) added.push({ key, email, status });
    else if (was !== status) changed.push({ key, email, from: was, to: status });
  }
  const removed: RemovedEntry[] = [];
  for (const [key, status] of before) {
    if (!seen.has(key)) removed.push({ key, status });
  }
  added.sort(byKey);
  removed.sort(byKey);
  changed.sort(byKey);
  return {
    added,
    removed,
    changed,
    total: added.length + removed.length + changed.length,
    previousSize: before.size,
    nextSize: next.length,
    firstApply: previous === undefined,
  };
}
