import type { FieldNames } from "./options";
import { fieldKey } from "./options";
import { describeValue, listSome, quote } from "./text";

/**
 * One entry as its source gives it, before its values are checked. A value left `undefined` is
 * absent: a problem of the row for `email` and `status`, the default for `onDelete`.
 */
export interface RosterRow {
  where: string;
  email?: string;
  status?: string;
  onDelete?: string;
  /** What is wrong with the row's shape (not a record, a field missing...), reported before its values. */
  problems: string[];
}

/** How many field names a message lists. */
const LISTED_FIELDS = 10;

/**
 * A value as text: strings as they are, numbers and booleans written out (`1`, `true`), `null` as
 * empty. A list or an object is a problem of the row.
 */
function cellText(value: unknown, field: string, row: RosterRow): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return String(value);
  if (value === null) return "";
  row.problems.push(`${field} must be a text value, got ${describeValue(value)}`);
  return undefined;
}

/** True for an object that is a record (not a list, not null). */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The row of one JSON or YAML entry. Field names are compared trimmed and case-insensitively; other
 * fields are ignored. A field that is absent, or named twice, is a problem.
 */
export function fileRecordRow(where: string, value: unknown, names: FieldNames): RosterRow {
  const row: RosterRow = { where, problems: [] };
  if (!isRecord(value)) {
    row.problems.push(
      `the entry is ${describeValue(value)}; each entry is a record with the fields ${names.email} and ${names.status}`,
    );
    return row;
  }
  const byKey = new Map<string, string[]>();
  for (const written of Object.keys(value)) {
    const key = fieldKey(written);
    const same = byKey.get(key);
    if (same) same.push(written);
    else byKey.set(key, [written]);
  }
  const read = (field: keyof FieldNames): string | undefined => {
    const found = byKey.get(fieldKey(names[field])) ?? [];
    if (found.length > 1) {
      row.problems.push(
        `the fields ${found.map((k) => quote(k)).join(" and ")} all name the ${field} field (names are compared case-insensitively); keep one`,
      );
      return undefined;
    }
    if (found.length === 0) {
      if (field !== "onDelete") {
        const fields = listSome(
          Object.keys(value).map((k) => quote(k)),
          LISTED_FIELDS,
        );
        row.problems.push(
          `no field ${quote(names[field])} (fields: ${fields || "none"}); add it, or name the right field with columns.${field}`,
        );
      }
      return undefined;
    }
    return cellText(value[found[0]!], field, row);
  };
  return withFields(row, read("email"), read("status"), read("onDelete"));
}

const INLINE_PROPERTIES = ["email", "status", "onDelete"] as const;

/**
 * The row of one inline user `{ email, status, onDelete? }`. Property names are exact, as the
 * resource's inputs are; an unknown property is a problem (most often a typo).
 */
export function inlineRow(where: string, value: unknown): RosterRow {
  const row: RosterRow = { where, problems: [] };
  if (!isRecord(value)) {
    row.problems.push(`must be { email, status, onDelete? }, got ${describeValue(value)}`);
    return row;
  }
  for (const key of Object.keys(value)) {
    if (!(INLINE_PROPERTIES as readonly string[]).includes(key)) {
      row.problems.push(`unknown property ${quote(key)}: the properties are email, status and onDelete`);
    }
  }
  const read = (field: (typeof INLINE_PROPERTIES)[number]): string | undefined => {
    const raw = value[field];
    if (raw === undefined) {
      if (field === "email")
        row.problems.push('email is missing; set it to the user\'s address, e.g. "jane.doe@example.com"');
      if (field === "status") row.problems.push('status is missing; set it to "Enabled" or "Disabled"');
      return undefined;
    }
    return cellText(raw, field, row);
  };
  return withFields(row, read("email"), read("status"), read("onDelete"));
}

function withFields(
  row: RosterRow,
  email: string | undefined,
  status: string | undefined,
  onDelete: string | undefined,
): RosterRow {
  if (email !== undefined) row.email = email;
  if (status !== undefined) row.status = status;
  if (onDelete !== undefined) row.onDelete = onDelete;
  return row;
}
