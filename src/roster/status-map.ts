import { ROSTER_STATUSES, type RosterStatus } from "./entry";
import type { ProblemList } from "./problems";
import { placeOf } from "./shape";
import { listSome, quote } from "./text";

/** How many `statusMap` values a message lists before "and N more". */
const LISTED_KEYS = 10;

/** Turns the values of a roster's status field into `Enabled`/`Disabled`. */
export interface StatusMap {
  /** The status `value` stands for (trimmed, compared case-insensitively), or `undefined`. */
  statusOf(value: string): RosterStatus | undefined;
  /** Why `value` stands for no status, and the fix. */
  unknownValue(value: string): string;
}

/** How source values are compared: trimmed, case-insensitive. */
function valueKey(value: string): string {
  return value.trim().toLowerCase();
}

/** The status a `statusMap` value names (`enabled`, ` Disabled ` are accepted), or `undefined`. */
export function parseStatus(value: string): RosterStatus | undefined {
  const key = valueKey(value);
  return ROSTER_STATUSES.find((status) => status.toLowerCase() === key);
}

/**
 * The status map of a roster: `statusMap` when given (its keys compared trimmed and
 * case-insensitively, its values `Enabled` or `Disabled` in any case), otherwise `Enabled` and
 * `Disabled` themselves, in any case. A map that is empty, maps to anything else, or maps one value
 * twice to different statuses adds problems placed at `statusMap`.
 */
export function statusMapFrom(
  map: Readonly<Record<string, string>> | undefined,
  problems: ProblemList,
): StatusMap {
  if (map === undefined) {
    return {
      statusOf: parseStatus,
      unknownValue: (value) =>
        valueKey(value) === ""
          ? 'status is empty; set it to "Enabled" or "Disabled"'
          : `status ${quote(value)} is neither Enabled nor Disabled; correct it, or map the roster's values with statusMap`,
    };
  }
  const statuses = new Map<string, { status: RosterStatus; written: string }>();
  const keys = Object.keys(map);
  if (keys.length === 0) {
    problems.add(
      "statusMap",
      'is empty; map each value of the status field to "Enabled" or "Disabled", e.g. { "Active": "Enabled", "Terminated": "Disabled" }',
    );
  }
  for (const written of keys) {
    const target = map[written]!;
    const status = parseStatus(target);
    if (!status) {
      problems.add(
        placeOf("statusMap", [written]),
        `maps to ${quote(target)}; each value must map to "Enabled" or "Disabled"`,
      );
      continue;
    }
    const key = valueKey(written);
    const earlier = statuses.get(key);
    if (earlier && earlier.status !== status) {
      problems.add(
        "statusMap",
        `${quote(earlier.written)} and ${quote(written)} are the same value (compared case-insensitively, spaces trimmed) but map to ${earlier.status} and ${status}; keep one`,
      );
      continue;
    }
    if (!earlier) statuses.set(key, { status, written });
  }
  const known = listSome(keys, LISTED_KEYS);
  return {
    statusOf: (value) => statuses.get(valueKey(value))?.status,
    unknownValue: (value) =>
      valueKey(value) === ""
        ? `status is empty; set it to one of the statusMap values (${known})`
        : `status ${quote(value)} is not in statusMap (known: ${known}); add it to statusMap`,
  };
}
