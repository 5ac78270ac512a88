import { csvRows } from "./csv";
import type { Roster } from "./entry";
import { validateRows } from "./entries";
import { rosterFormat } from "./formats";
import { jsonRows } from "./json";
import { resolveOptions, type RosterOptions } from "./options";
import { ProblemList } from "./problems";
import { inlineRow, type RosterRow } from "./rows";
import { describeValue, normalizeText } from "./text";
import { yamlRows } from "./yaml";

/** Where a roster comes from: a file's text (read by the caller), or users listed in the program. */
export type RosterSource =
  | {
      kind: "file";
      /** The path as the program names it: it decides the format (by extension) and names the file in messages. */
      path: string;
      /** The file's content. */
      text: string;
    }
  | {
      kind: "inline";
      /** A list of `{ email, status, onDelete? }`; checked here, whatever it is. */
      users: unknown;
    };

/**
 * Reads and validates a whole roster: the options, then every entry (address, status through
 * `statusMap`, `onDelete`, no address twice). Returns the entries only when all are valid; otherwise
 * throws one `RosterError` (`ERR_INVALID_ROSTER`) listing every problem with its place: the line for
 * CSV and YAML, the index for JSON and inline users. Text that cannot be parsed throws at once. An
 * empty file or list is valid and has no entries.
 */
export function readRoster(source: RosterSource, options?: RosterOptions): Roster {
  const inline = source.kind === "inline";
  const problems = new ProblemList(inline ? "users" : source.path);
  const { names, statuses } = resolveOptions(options, inline, problems);
  problems.throwIfAny();
  let rows: RosterRow[];
  let format: Roster["format"];
  if (inline) {
    format = "inline";
    rows = inlineRows(source.users, problems);
  } else {
    format = rosterFormat(source.path, problems);
    const text = normalizeText(source.text);
    const read = { json: jsonRows, yaml: yamlRows, csv: csvRows }[format];
    rows = read(source.path, text, names, problems);
  }
  const entries = validateRows(rows, statuses, problems);
  problems.throwIfAny();
  return { subject: problems.subject, format, entries };
}

function inlineRows(users: unknown, problems: ProblemList): RosterRow[] {
  if (!Array.isArray(users)) {
    return problems.fatal(
      "users",
      `must be a list of { email, status, onDelete? }, got ${describeValue(users)}`,
    );
  }
  return users.map((user: unknown, index) => inlineRow(`users[${index}]`, user));
}
