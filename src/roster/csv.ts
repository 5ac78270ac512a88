import { parse } from "csv-parse/sync";
import { fieldKey, type FieldNames } from "./options";
import type { ProblemList } from "./problems";
import type { RosterRow } from "./rows";
import { lineOfOffset, listSome, quote } from "./text";

/** A field separator of a CSV roster. */
export type CsvDelimiter = "," | ";" | "\t";

/** How many header names a message lists. */
const LISTED_COLUMNS = 20;

/** What `csv-parse` returns per record with the `info` and `raw` options (its types do not say). */
interface ParsedRecord {
  record: string[];
  info: { lines: number };
  raw: string;
}

/** The part of a `csv-parse` error this module reads. */
interface CsvParseFailure {
  code: string;
  lines?: number;
  bytes_records?: number;
}

/**
 * The separator of a CSV roster, read from its header (the first line that is not blank), outside
 * quotes: a comma, unless the header has none and has a semicolon (the "CSV" of spreadsheets set to
 * a language that writes decimal commas), or neither and a tab.
 */
export function detectDelimiter(text: string): CsvDelimiter {
  let quoted = false;
  let content = false;
  const seen = { ",": 0, ";": 0, "\t": 0 };
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    if (quoted) continue;
    if (c === "\n") {
      if (content) break;
    } else if (c === "," || c === ";" || c === "\t") {
      seen[c]++;
      content = true;
    } else if (c.trim() !== "") {
      content = true;
    }
  }
  if (seen[","] > 0) return ",";
  if (seen[";"] > 0) return ";";
  return seen["\t"] > 0 ? "\t" : ",";
}

/**
 * The rows of a CSV roster: a header row naming the columns (trimmed, case-insensitive), then one
 * user per record, placed by the line it starts on. Other columns are ignored; blank lines and
 * records with only empty cells are skipped; quoted fields may hold separators and line breaks;
 * rows may be shorter or longer than the header. A missing or doubled column is a problem of the
 * header, and fatal; so is text that is not CSV (an unclosed quote).
 */
export function csvRows(
  filePath: string,
  text: string,
  names: FieldNames,
  problems: ProblemList,
): RosterRow[] {
  if (text.trim() === "") return [];
  let records: ParsedRecord[];
  try {
    records = parse(text, {
      delimiter: detectDelimiter(text),
      info: true,
      raw: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      relax_quotes: true,
    }) as unknown as ParsedRecord[];
  } catch (err) {
    return csvSyntaxFailure(filePath, text, err, problems);
  }
  const filled = records.filter((r) => r.record.some((cell) => cell !== ""));
  const [header, ...body] = filled;
  if (!header) return [];
  const headerWhere = `${filePath} line ${startLine(header)}`;
  const column = (field: keyof FieldNames): number | undefined => {
    const key = fieldKey(names[field]);
    const found = header.record.flatMap((cell, index) => (fieldKey(cell) === key ? [index] : []));
    if (found.length > 1) {
      problems.add(
        headerWhere,
        `columns ${found.map((i) => i + 1).join(" and ")} are all named ${quote(names[field])} (names are compared case-insensitively); keep one`,
      );
    } else if (found.length === 0 && field !== "onDelete") {
      const columns = listSome(
        header.record.filter((cell) => cell !== "").map((cell) => quote(cell)),
        LISTED_COLUMNS,
      );
      const noHeader = header.record.some((cell) => cell.includes("@"))
        ? `; the first line holds an address: the file needs a header row first, e.g. ${names.email},${names.status}`
        : "";
      problems.add(
        headerWhere,
        `no column ${quote(names[field])} (columns: ${columns}); rename the column, or name it with columns.${field}${noHeader}`,
      );
    }
    return found[0];
  };
  const emailColumn = column("email");
  const statusColumn = column("status");
  const onDeleteColumn = column("onDelete");
  problems.throwIfAny();
  return body.map(({ record, info, raw }) => {
    const row: RosterRow = {
      where: `${filePath} line ${startLine({ info, raw })}`,
      problems: [],
      email: record[emailColumn!] ?? "",
      status: record[statusColumn!] ?? "",
    };
    if (onDeleteColumn !== undefined) row.onDelete = record[onDeleteColumn] ?? "";
    return row;
  });
}

/**
 * The line a record starts on: `info.lines` is the line it ends on, and its raw text holds its own
 * line breaks (after the blank lines skipped before it, and before its final line break).
 */
function startLine({ info, raw }: Pick<ParsedRecord, "info" | "raw">): number {
  let end = raw.length;
  if (raw.endsWith("\n")) end--;
  let start = 0;
  while (start < end && raw[start] === "\n") start++;
  let breaks = 0;
  for (let i = raw.indexOf("\n", start); i !== -1 && i < end; i = raw.indexOf("\n", i + 1)) breaks++;
  return info.lines - breaks;
}

function csvSyntaxFailure(filePath: string, text: string, err: unknown, problems: ProblemList): never {
  const failure = (typeof err === "object" && err !== null ? err : {}) as Partial<CsvParseFailure>;
  if (failure.code === "CSV_QUOTE_NOT_CLOSED") {
    // The unclosed quote is in the record after the last one read: find where that record starts.
    const done = Buffer.from(text, "utf8")
      .subarray(0, failure.bytes_records ?? 0)
      .toString("utf8").length;
    let start = done;
    while (start < text.length && text[start]!.trim() === "") start++;
    return problems.fatal(
      `${filePath} line ${lineOfOffset(text)(start)}`,
      'not valid CSV: a quoted field opened in this record is never closed; close it, and write each quote inside a quoted field as ""',
    );
  }
  const where = failure.lines ? `${filePath} line ${failure.lines}` : filePath;
  if (
    failure.code === "CSV_INVALID_CLOSING_QUOTE" ||
    failure.code === "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE"
  ) {
    return problems.fatal(
      where,
      'not valid CSV: a closing quote is followed by other characters; quote the whole field, and write each quote inside it as ""',
    );
  }
  const code = typeof failure.code === "string" ? ` (${failure.code})` : "";
  return problems.fatal(where, `not valid CSV${code}; save the file again as CSV`);
}
