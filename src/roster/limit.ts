import { InvalidInputError } from "../errors";
import { describeValue } from "./text";

/** How many roster changes one update may make without confirmation. */
export type MaxChanges =
  | { kind: "count"; count: number }
  /** A percentage (0–100) of the larger of the last applied and the new roster. */
  | { kind: "percent"; percent: number };

/** `maxChanges` when the roster does not set it. */
export const DEFAULT_MAX_CHANGES = 25;

const PERCENT = /^(\d+(?:\.\d+)?)\s*%$/;

/**
 * `maxChanges` as the program gives it: a whole number ≥ 0 (also as text, `"25"`), or a percentage
 * `"N%"` with N from 0 to 100 (decimals allowed). `undefined` gives the default, 25 changes.
 * Anything else throws an `InvalidInputError` naming `maxChanges`.
 */
export function parseMaxChanges(value: unknown): MaxChanges {
  if (value === undefined || value === null) return { kind: "count", count: DEFAULT_MAX_CHANGES };
  const text = typeof value === "string" ? value.trim() : undefined;
  const count =
    typeof value === "number" ? value : text !== undefined && /^\d+$/.test(text) ? Number(text) : NaN;
  if (Number.isSafeInteger(count) && count >= 0) return { kind: "count", count };
  const percent = text === undefined ? undefined : PERCENT.exec(text);
  if (percent) {
    const share = Number(percent[1]);
    if (share <= 100) return { kind: "percent", percent: share };
    throw new InvalidInputError(
      `maxChanges ${JSON.stringify(text)} is more than 100%; use a percentage from "0%" to "100%"`,
    );
  }
  throw new InvalidInputError(
    `maxChanges must be a whole number of changes such as 25, or a percentage of the roster such as "10%", got ${describeValue(value)}`,
  );
}

/**
 * The most changes an update may make without confirmation: the count itself, or the percentage of
 * the larger of the last applied roster and the new one, rounded down (so "10%" of 9 entries is 0).
 * A limit of 0 means that any change needs confirmation.
 */
export function changeLimit(maxChanges: MaxChanges, previousSize: number, nextSize: number): number {
  if (maxChanges.kind === "count") return maxChanges.count;
  // The epsilon keeps 33.3% of 1000 at 333 despite binary fractions.
  return Math.floor((maxChanges.percent * Math.max(previousSize, nextSize)) / 100 + 1e-9);
}

/** `maxChanges` as the program wrote it: `25`, `"10%"`. */
export function formatMaxChanges(maxChanges: MaxChanges): string {
  return maxChanges.kind === "count" ? String(maxChanges.count) : `"${maxChanges.percent}%"`;
}
