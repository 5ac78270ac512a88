/**
 * The benchmark's users: `n` CAS users, each with a desired status; half of them (every other pair)
 * seeded in the opposite status, so creating their `UserStatus` needs a write (lookup + PUT).
 */
import type { SeedUser } from "../src/emulator";

export type Status = "Enabled" | "Disabled";

export interface DesiredUser {
  email: string;
  status: Status;
  /** The seeded status differs: creating the resource writes. */
  needsWrite: boolean;
}

export function workload(n: number): DesiredUser[] {
  return Array.from({ length: n }, (_, i) => ({
    email: `user${String(i).padStart(5, "0")}@bench.example`,
    status: i % 2 === 0 ? "Enabled" : "Disabled",
    needsWrite: i % 4 < 2,
  }));
}

const opposite = (s: Status): Status => (s === "Enabled" ? "Disabled" : "Enabled");

/** What to seed the emulator with: users needing a write start in the opposite status. */
export function seeds(users: readonly DesiredUser[]): SeedUser[] {
  return users.map((u) => ({
    emailAddress: u.email,
    userStatus: u.needsWrite ? opposite(u.status) : u.status,
  }));
}

/** The API calls a correct run makes: one lookup per user and one PUT per user needing a write. */
export function logicalCalls(users: readonly DesiredUser[]): { lookups: number; writes: number } {
  return { lookups: users.length, writes: users.filter((u) => u.needsWrite).length };
}

/** Users whose status in the emulator differs from the declared one. */
export function mismatches(
  users: readonly DesiredUser[],
  actual: (email: string) => string | undefined,
): string[] {
  return users.filter((u) => actual(u.email) !== u.status).map((u) => u.email);
}
