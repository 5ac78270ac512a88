import { z } from "zod";
import { InvalidConfigError, InvalidInputError } from "../errors";
import { emailKey } from "../resources/email";
import type { Roster } from "./entry";
import { rosterError } from "./problems";
import { shapeProblems } from "./shape";
import { quote } from "./text";

/** The stack configuration key listing accounts that must never be disabled. */
export const NEVER_DISABLE_KEY = "securid:neverDisable";

/** An address, or a pattern where `*` stands for any run of characters, that must never be disabled. */
export interface ProtectionPattern {
  /** As written, trimmed: `ceo@example.com`, `*@admins.example.com`, `svc-*@example.com`. */
  pattern: string;
  /** Where it is set, for messages: `neverDisable` (the roster) or `securid:neverDisable` (the stack). */
  origin: string;
}

const PatternList = z.array(z.string());

const EXAMPLE = '["ceo@example.com", "*@admins.example.com"]';

/**
 * The patterns of a `neverDisable` list given by a program (`origin` names it in messages).
 * `undefined` is an empty list. Anything but a list of non-empty texts without spaces throws an
 * `InvalidInputError` naming each wrong item.
 */
export function neverDisablePatterns(value: unknown, origin = "neverDisable"): ProtectionPattern[] {
  const problems = patternProblems(value, origin);
  if (problems.length > 0) {
    throw new InvalidInputError(`${problems.join("; ")}. ${origin} is a list such as ${EXAMPLE}`);
  }
  return toPatterns(value as string[] | undefined, origin);
}

/**
 * The patterns of stack config `securid:neverDisable`: a JSON list of addresses or patterns, as text
 * (what `config.get` returns). Unset or empty is an empty list; anything else throws an
 * `InvalidConfigError` naming `securid:neverDisable` (the value itself is not echoed).
 */
export function neverDisableFromConfig(text: string | undefined): ProtectionPattern[] {
  if (text === undefined || text.trim() === "") return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidConfigError(
      `${NEVER_DISABLE_KEY} is not valid JSON; set it to a JSON list of addresses or patterns: pulumi config set ${NEVER_DISABLE_KEY} '${EXAMPLE}'`,
    );
  }
  const problems = patternProblems(value, NEVER_DISABLE_KEY);
  if (problems.length > 0) {
    throw new InvalidConfigError(
      `${problems.join("; ")}. ${NEVER_DISABLE_KEY} is a JSON list of addresses or patterns, e.g. pulumi config set ${NEVER_DISABLE_KEY} '${EXAMPLE}'`,
    );
  }
  return toPatterns(value as string[], NEVER_DISABLE_KEY);
}

function patternProblems(value: unknown, origin: string): string[] {
  if (value === undefined || value === null) return [];
  const parsed = PatternList.safeParse(value);
  if (!parsed.success) {
    return shapeProblems(parsed.error.issues, value, origin, () => []).map((p) => `${p.place} ${p.problem}`);
  }
  return parsed.data.flatMap((pattern, index) => {
    const trimmed = pattern.trim();
    if (trimmed === "")
      return [`${origin}[${index}] is empty; write an address or a pattern such as "*@admins.example.com"`];
    if (/\s/.test(trimmed)) {
      return [
        `${origin}[${index}] ${quote(trimmed)} contains a space, so it can match no address; remove it`,
      ];
    }
    return [];
  });
}

function toPatterns(list: readonly string[] | undefined | null, origin: string): ProtectionPattern[] {
  return (list ?? []).map((pattern) => ({ pattern: pattern.trim(), origin }));
}

/**
 * True when `email` matches `pattern`: case-insensitive, `*` standing for any run of characters
 * (none included), every other character for itself. No regular expression is built, so a pattern
 * cannot inject one; the match takes at most length × length steps.
 */
export function matchesPattern(email: string, pattern: string): boolean {
  const text = emailKey(email);
  const glob = pattern.trim().toLowerCase();
  let t = 0;
  let g = 0;
  let star = -1; // position of the last `*` in the pattern
  let resume = 0; // where the text resumes when that `*` takes one more character
  while (t < text.length) {
    if (g < glob.length && glob[g] === "*") {
      star = g++;
      resume = t;
    } else if (g < glob.length && glob[g] === text[t]) {
      g++;
      t++;
    } else if (star !== -1) {
      g = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (glob[g] === "*") g++;
  return g === glob.length;
}

/** The first pattern that protects `email`, or `undefined`. Patterns may be texts or {@link ProtectionPattern}s. */
export function protectingPattern<P extends string | ProtectionPattern>(
  email: string,
  patterns: readonly P[],
): P | undefined {
  return patterns.find((p) => matchesPattern(email, typeof p === "string" ? p : p.pattern));
}

/**
 * Throws one `RosterError` listing every `Disabled` entry of `roster` that a pattern protects, naming
 * the address, the pattern and where the pattern is set.
 */
export function checkNeverDisable(roster: Roster, patterns: readonly ProtectionPattern[]): void {
  if (patterns.length === 0) return;
  const problems = roster.entries.flatMap((entry) => {
    if (entry.status !== "Disabled") return [];
    const protecting = protectingPattern(entry.email, patterns);
    if (!protecting) return [];
    return [
      {
        place: entry.where,
        problem: `${entry.email} must never be Disabled: ${protecting.origin} protects it with ${quote(protecting.pattern)}; set the entry to Enabled, or change ${protecting.origin} if this account may be disabled`,
      },
    ];
  });
  if (problems.length > 0) throw rosterError(roster.subject, problems);
}
