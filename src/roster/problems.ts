import { RosterError, type RosterProblem } from "../errors";
import { plural } from "./text";

/** Most problems a {@link RosterError} message lists; the rest are counted ("and N more"). */
export const MAX_LISTED_PROBLEMS = 50;

/**
 * Collects the problems of one roster so that they are all reported at once, each with its place.
 */
export class ProblemList {
  readonly problems: RosterProblem[] = [];

  constructor(
    /** The roster as people name it: the file's path, or `users` for an inline list. */
    readonly subject: string,
  ) {}

  add(place: string, problem: string): void {
    this.problems.push({ place, problem });
  }

  get size(): number {
    return this.problems.length;
  }

  /** Throws one {@link RosterError} listing every problem collected so far, if there is any. */
  throwIfAny(): void {
    if (this.problems.length > 0) throw rosterError(this.subject, this.problems);
  }

  /** Adds one problem and throws: for a roster that cannot be read at all. */
  fatal(place: string, problem: string): never {
    this.add(place, problem);
    throw rosterError(this.subject, this.problems);
  }
}

/**
 * The error for a roster's problems: one problem on one line, several as a list of at most
 * {@link MAX_LISTED_PROBLEMS}, then `and N more`.
 */
export function rosterError(subject: string, problems: readonly RosterProblem[]): RosterError {
  if (problems.length === 1) {
    const { place, problem } = problems[0]!;
    const where = place === subject ? "" : `${place}: `;
    return new RosterError(`Invalid roster ${subject}: ${where}${problem}`, problems);
  }
  const lines = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => `  ${p.place}: ${p.problem}`);
  if (problems.length > MAX_LISTED_PROBLEMS)
    lines.push(`  and ${problems.length - MAX_LISTED_PROBLEMS} more`);
  return new RosterError(
    `Invalid roster ${subject}: ${plural(problems.length, "problem")}, fix them all and run again:\n${lines.join("\n")}`,
    problems,
  );
}
