import { z } from "zod";
import type { ProblemList } from "./problems";
import { shapeProblems } from "./shape";
import { statusMapFrom, type StatusMap } from "./status-map";
import { quote } from "./text";

/** Names of the fields (JSON, YAML) or header columns (CSV) a roster file's entries are read from. */
export interface RosterColumns {
  /** The address; default `email`. */
  email?: string;
  /** The status, turned into `Enabled`/`Disabled` by `statusMap`; default `status`. */
  status?: string;
  /** Optional per-entry `keep`/`restore`; default `onDelete`. */
  onDelete?: string;
}

/** How to read a roster. */
export interface RosterOptions {
  /** Field or column names, for files; compared trimmed and case-insensitively. */
  columns?: RosterColumns;
  /**
   * The roster's status values and the status each stands for, e.g.
   * `{ "Active": "Enabled", "Terminated": "Disabled" }`. Keys are compared trimmed and
   * case-insensitively. Default: `Enabled` and `Disabled`, in any case.
   */
  statusMap?: Record<string, string>;
}

/** The field names in use, as written (trimmed). */
export interface FieldNames {
  email: string;
  status: string;
  onDelete: string;
}

/** The field names when `columns` does not say otherwise (and always for inline users). */
export const DEFAULT_FIELD_NAMES: Readonly<FieldNames> = {
  email: "email",
  status: "status",
  onDelete: "onDelete",
};

/** How field and column names are compared: trimmed, case-insensitive. */
export function fieldKey(name: string): string {
  return name.trim().toLowerCase();
}

/** Options checked and ready to use. */
export interface ResolvedOptions {
  names: FieldNames;
  statuses: StatusMap;
}

const FIELDS = ["email", "status", "onDelete"] as const;

const OptionsSchema = z
  .object({
    columns: z
      .object({
        email: z.string().optional(),
        status: z.string().optional(),
        onDelete: z.string().optional(),
      })
      .strict()
      .optional(),
    statusMap: z.record(z.string(), z.string()).optional(),
  })
  .strict();

/**
 * Checks a roster's options (they come from a program, perhaps JavaScript, so anything is possible):
 * problems go to `problems`, placed at `columns...` or `statusMap...`. `columns` applies to files
 * only: inline users always have the properties `email`, `status` and `onDelete`.
 */
export function resolveOptions(options: unknown, inline: boolean, problems: ProblemList): ResolvedOptions {
  const parsed = OptionsSchema.safeParse(options ?? {});
  if (!parsed.success) {
    for (const p of shapeProblems(parsed.error.issues, options, "", (path) =>
      path.length === 0 ? ["columns", "statusMap"] : [...FIELDS],
    )) {
      problems.add(p.place || "options", p.problem);
    }
    return { names: DEFAULT_FIELD_NAMES, statuses: statusMapFrom(undefined, problems) };
  }
  const { columns, statusMap } = parsed.data;
  if (inline && columns !== undefined) {
    problems.add(
      "columns",
      "applies to a roster file; inline users always have the properties email, status and onDelete: remove columns",
    );
  }
  const names: FieldNames = { ...DEFAULT_FIELD_NAMES };
  for (const field of FIELDS) {
    const name = columns?.[field];
    if (name === undefined) continue;
    if (name.trim() === "") {
      problems.add(
        `columns.${field}`,
        `is empty; name the ${field} column, or leave it out for "${names[field]}"`,
      );
    } else {
      names[field] = name.trim();
    }
  }
  for (const [i, a] of FIELDS.entries()) {
    for (const b of FIELDS.slice(i + 1)) {
      if (fieldKey(names[a]) === fieldKey(names[b])) {
        problems.add(
          "columns",
          `${a} and ${b} both name the column ${quote(names[a])}; each needs a column of its own`,
        );
      }
    }
  }
  return { names, statuses: statusMapFrom(statusMap, problems) };
}
