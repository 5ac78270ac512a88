import { isSeq, LineCounter, parseDocument } from "yaml";
import type { FieldNames } from "./options";
import type { ProblemList } from "./problems";
import { fileRecordRow, type RosterRow } from "./rows";
import { clip } from "./text";

/** Aliases allowed when building the entries (the library's guard against "billion laughs" files). */
const MAX_ALIAS_COUNT = 100_000;

/** Longest part of a parser message quoted, in characters. */
const PARSER_MESSAGE_LENGTH = 100;

/**
 * The rows of a YAML roster: a list of records, each placed by the line it starts on. Scalars are
 * read as text as written (YAML's failsafe schema: `1e3`, `yes`, `010` stay what they look like);
 * anchors, aliases and `<<` merge keys work. A syntax error, or a document that is not a list, is
 * fatal.
 */
export function yamlRows(
  filePath: string,
  text: string,
  names: FieldNames,
  problems: ProblemList,
): RosterRow[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true, schema: "failsafe" });
  // A parser that reaches the end of the text (an unclosed quote) reports the end: name the last line with text.
  const lastContent = Math.max(0, text.trimEnd().length - 1);
  const lineAt = (offset: number): string =>
    `${filePath} line ${lineCounter.linePos(Math.min(offset, lastContent)).line}`;
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      problems.add(lineAt(error.pos[0]), `not valid YAML: ${clip(error.message, PARSER_MESSAGE_LENGTH)}`);
    }
    problems.throwIfAny();
  }
  if (doc.contents === null) return [];
  if (!isSeq(doc.contents)) {
    return problems.fatal(
      filePath,
      "the file is not a list of records; write each user as an item: `- email: jane.doe@example.com` then `  status: Enabled`",
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // Unresolved aliases and alias bombs are only found here.
    return problems.fatal(
      filePath,
      `the file cannot be read as YAML: ${clip(String((err as Error).message), PARSER_MESSAGE_LENGTH)}`,
    );
  }
  const items = doc.contents.items;
  const values = data as unknown[];
  return items.map((item, index) => {
    const offset = (item as { range?: [number, number, number] } | null)?.range?.[0];
    const where = offset === undefined ? `${filePath} entry [${index}]` : lineAt(offset);
    return fileRecordRow(where, values[index], names);
  });
}
