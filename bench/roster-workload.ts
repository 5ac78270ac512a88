/**
 * The roster benchmark's data: an HR export of `n` workers (CSV, the columns of an HRIS export, a
 * quoted manager), the `statusMap` that reads it, the CAS users to seed (some in the other status, so
 * adopting them writes), and a broken export that changes more than 5 % of the entries.
 */
import type { SeedUser } from "../src/emulator";

export type WorkerStatus = "Active" | "Leave of Absence" | "Terminated";
type Status = "Enabled" | "Disabled";

export const HEADER = [
  "Employee ID",
  "Worker",
  "Work Email",
  "Worker Status",
  "Department",
  "Manager",
  "Termination Date",
];

export const COLUMNS = { email: "Work Email", status: "Worker Status" } as const;

export const STATUS_MAP: Record<WorkerStatus, Status> = {
  Active: "Enabled",
  "Leave of Absence": "Disabled",
  Terminated: "Disabled",
};

export const MAX_CHANGES = "5%";

/** The roster file, in the program's directory. */
export const ROSTER_FILE = "roster.csv";

const FIRST = ["Ada", "Alan", "Grace", "Barbara", "Ken", "Radia", "Edsger", "Frances", "Donald", "Margaret"];
const LAST = ["Lovelace", "Turing", "Hopper", "Liskov", "Thompson", "Perlman", "Dijkstra", "Allen", "Knuth"];
const DEPARTMENTS = ["Engineering", "Platform", "Sales", "Finance", "Support", "People"];

export interface Worker {
  id: number;
  name: string;
  email: string;
  status: WorkerStatus;
  /** CAS has the user in the other status: adopting it writes. */
  needsWrite: boolean;
}

/** Worker `i`: 1 in 20 Terminated, 1 in 50 on leave, the rest Active; 1 in 10 needs a status write. */
export function workers(n: number): Worker[] {
  return Array.from({ length: n }, (_, i) => {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
    const status: WorkerStatus = i % 20 === 7 ? "Terminated" : i % 50 === 13 ? "Leave of Absence" : "Active";
    return {
      id: 100000 + i,
      name: `${first} ${last}`,
      email: `${first}.${last}.${String(i).padStart(5, "0")}@example.com`.toLowerCase(),
      status,
      needsWrite: i % 10 === 3,
    };
  });
}

/** The status CAS should end with. */
export const desired = (w: Worker): Status => STATUS_MAP[w.status];

/** The export as the HRIS writes it: CRLF, a quoted manager, a termination date for leavers. */
export function exportCsv(list: readonly Worker[]): string {
  const rows = list.map((w, i) => {
    const manager = `"${LAST[(i + 3) % LAST.length]}, ${FIRST[(i + 5) % FIRST.length]}"`;
    const ended = w.status === "Terminated" ? "2026-03-31" : "";
    return [w.id, w.name, w.email, w.status, DEPARTMENTS[i % DEPARTMENTS.length], manager, ended].join(",");
  });
  return `${[HEADER.join(","), ...rows].join("\r\n")}\r\n`;
}

/** What the emulator starts with: every worker, those needing a write in the other status. */
export function seedUsers(list: readonly Worker[]): SeedUser[] {
  return list.map((w) => {
    const status = desired(w);
    const other: Status = status === "Enabled" ? "Disabled" : "Enabled";
    return { emailAddress: w.email, userStatus: w.needsWrite ? other : status };
  });
}

/** A broken export: 1 in 10 Active workers (those with `i % 10 === 5`) marked Terminated, 10 % of the roster. */
export function brokenExport(list: readonly Worker[]): { workers: Worker[]; changed: number } {
  let changed = 0;
  const broken = list.map((w, i) => {
    if (i % 10 !== 5 || w.status !== "Active") return w;
    changed++;
    return { ...w, status: "Terminated" as const };
  });
  return { workers: broken, changed };
}

/** The writes a first `up` needs: one per worker whose CAS status differs. */
export function writesNeeded(list: readonly Worker[]): number {
  return list.filter((w) => w.needsWrite).length;
}
