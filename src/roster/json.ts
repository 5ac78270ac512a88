import { findJsonSyntaxProblem } from "./json-syntax";
import type { FieldNames } from "./options";
import type { ProblemList } from "./problems";
import { fileRecordRow, type RosterRow } from "./rows";
import { describeValue, lineOfOffset, quote } from "./text";

/**
 * The rows of a JSON roster: an array of records, each placed by its index (`people.json entry [3]`,
 * counting from 0). Text that is not JSON, or JSON that is not an array, is fatal.
 */
export function jsonRows(
  filePath: string,
  text: string,
  names: FieldNames,
  problems: ProblemList,
): RosterRow[] {
  if (text.trim() === "") return [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    const syntax = findJsonSyntaxProblem(text);
    if (!syntax)
      return problems.fatal(filePath, "the file is not valid JSON; check it with a JSON validator");
    const line = lineOfOffset(text)(syntax.offset);
    const column = syntax.offset - text.lastIndexOf("\n", syntax.offset - 1);
    return problems.fatal(`${filePath} line ${line}`, `not valid JSON: ${syntax.problem} (column ${column})`);
  }
  if (!Array.isArray(data)) {
    return problems.fatal(
      filePath,
      `the file is ${describeValue(data)}, not an array of records${arrayInside(data)}`,
    );
  }
  return data.map((value: unknown, index) => fileRecordRow(`${filePath} entry [${index}]`, value, names));
}

/** The fix when the array is one property down (`{ "users": [...] }`), a common export shape. */
function arrayInside(data: unknown): string {
  if (typeof data !== "object" || data === null)
    return '; the file must be [{ "email": ..., "status": ... }, ...]';
  const lists = Object.keys(data).filter((k) => Array.isArray((data as Record<string, unknown>)[k]));
  return lists.length === 1
    ? `; its property ${quote(lists[0]!)} holds a list: make that list the whole file`
    : '; the file must be [{ "email": ..., "status": ... }, ...]';
}
