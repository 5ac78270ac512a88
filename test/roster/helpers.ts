import assert from "node:assert/strict";
import { hasErrorCode, type RosterError } from "../../src/errors";
import type { RosterEntry } from "../../src/roster/entry";
import type { RosterOptions } from "../../src/roster/options";
import { readRoster } from "../../src/roster/source";

/** Reads a roster file's text. */
export function readFile(path: string, text: string, options?: RosterOptions): RosterEntry[] {
  return readRoster({ kind: "file", path, text }, options).entries;
}

/** The entries as `email status [onDelete] @ where` lines: compact expectations for tables. */
export function lines(entries: readonly RosterEntry[]): string[] {
  return entries.map((e) => `${e.email} ${e.status}${e.onDelete ? ` ${e.onDelete}` : ""} @ ${e.where}`);
}

/** The RosterError `read` throws (asserting its code). */
export function rosterErrorOf(read: () => unknown): RosterError {
  try {
    read();
  } catch (err) {
    assert.ok(hasErrorCode(err, "ERR_INVALID_ROSTER"), `expected ERR_INVALID_ROSTER, got ${String(err)}`);
    return err as RosterError;
  }
  assert.fail("expected a RosterError, got none");
}

/** The problems `read` throws, as `place: problem` lines. */
export function problemsOf(read: () => unknown): string[] {
  return rosterErrorOf(read).problems.map((p) => `${p.place}: ${p.problem}`);
}
