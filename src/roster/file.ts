import * as fs from "node:fs";
import * as path from "node:path";
import { rosterError } from "./problems";
import type { RosterSource } from "./source";

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: "there is no such file",
  EISDIR: "it is a directory",
  EACCES: "permission denied",
  EPERM: "permission denied",
};

/**
 * The roster file at `filePath` (relative to the working directory, which is the Pulumi program's),
 * as a {@link RosterSource}. A file that cannot be read throws a `RosterError` naming the path as
 * written and as resolved; the content is decoded as UTF-8 (bytes that are not UTF-8 become U+FFFD,
 * which the entry checks report where they matter).
 */
export function rosterFileSource(filePath: string): RosterSource {
  try {
    return { kind: "file", path: filePath, text: fs.readFileSync(filePath, "utf8") };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "";
    const reason = REASONS[code] ?? `it cannot be read (${code || (err as Error).message})`;
    throw rosterError(filePath, [
      {
        place: filePath,
        problem: `cannot read the roster file: ${reason} (resolved to ${path.resolve(filePath)}); check the file option, relative to the program's directory`,
      },
    ]);
  }
}
