/**
 * The audit log: one JSON line per status write, appended after CAS answered and on disk before the
 * operation returns, so that a pipeline can keep it as an artifact or ship it to its SIEM.
 */
import { open } from "node:fs/promises";
import path from "node:path";
import type { AuditRecord } from "./context";

/** One line of the audit log. */
export interface AuditLine extends AuditRecord {
  /** ISO 8601, when CAS answered. */
  time: string;
}

/** The line for `record` (keys in a fixed order, so that logs diff and grep well). */
export function auditLine(record: AuditRecord, now: Date): string {
  const line: AuditLine = {
    time: now.toISOString(),
    email: record.email,
    userId: record.userId,
    from: record.from,
    to: record.to,
    operation: record.operation,
  };
  return `${JSON.stringify(line)}\n`;
}

/**
 * Appends `record` to `file` (relative paths from `cwd`: the program's directory in the plugin) and
 * flushes it to disk. Concurrent appends from one process each write one whole line (O_APPEND).
 */
export async function appendAuditRecord(
  file: string,
  record: AuditRecord,
  opts: { cwd?: string; now?: Date } = {},
): Promise<void> {
  const handle = await open(path.resolve(opts.cwd ?? process.cwd(), file), "a", 0o600);
  try {
    await handle.write(auditLine(record, opts.now ?? new Date()));
    await handle.datasync();
  } finally {
    await handle.close();
  }
}
