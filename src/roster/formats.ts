import * as path from "node:path";
import type { RosterFileFormat } from "./entry";
import type { ProblemList } from "./problems";
import { alternatives, quote } from "./text";

/** The file extensions a roster may have (compared case-insensitively), and the format of each. */
export const ROSTER_EXTENSIONS: Readonly<Record<string, RosterFileFormat>> = {
  ".json": "json",
  ".yaml": "yaml",
  ".yml": "yaml",
  ".csv": "csv",
};

/**
 * The format of a roster file, from its extension (case-insensitive). An unknown extension is a
 * fatal problem naming the supported ones.
 */
export function rosterFormat(filePath: string, problems: ProblemList): RosterFileFormat {
  const extension = path.extname(filePath).toLowerCase();
  const format = Object.hasOwn(ROSTER_EXTENSIONS, extension) ? ROSTER_EXTENSIONS[extension] : undefined;
  if (format) return format;
  const supported = alternatives(Object.keys(ROSTER_EXTENSIONS));
  const found = extension
    ? `the extension ${quote(extension)} is not supported`
    : "the file has no extension";
  return problems.fatal(filePath, `${found}; a roster is a ${supported} file (save a spreadsheet as CSV)`);
}
