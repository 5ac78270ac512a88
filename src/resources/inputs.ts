import type * as pulumi from "@pulumi/pulumi";
import { InvalidInputError } from "../errors";
import { emailProblem } from "./email";

/**
 * The value the engine sends for an input that is not known yet (during a preview, an output of a
 * resource that is still to be created). Such inputs are not validated until they are known.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Property name the engine reserves for the serialized provider. */
export const PROVIDER_KEY = "__provider";

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

/** The longest rendering of a value in a message: enough to recognise it, too short to leak much. */
const SHOWN_CHARACTERS = 60;

/**
 * Renders a value the way the user wrote it, for error messages: JSON, with invisible characters
 * escaped, cut short (a value in the wrong property may be a secret pasted by mistake).
 */
export function show(value: unknown): string {
  if (value === undefined) return "nothing";
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  text = text.replace(
    /[\p{Cf}\u2028\u2029]/gu,
    (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`,
  );
  return text.length > SHOWN_CHARACTERS ? `${text.slice(0, SHOWN_CHARACTERS - 3)}...` : text;
}

/**
 * Collects check failures, one per property, each naming the property, what is wrong and the fix.
 * Unknown values pass: they are checked again when they are known.
 */
export class InputChecker {
  readonly failures: pulumi.dynamic.CheckFailure[] = [];

  constructor(
    private readonly resource: string,
    private readonly news: Record<string, unknown>,
  ) {}

  fail(property: string, reason: string): void {
    this.failures.push({ property, reason: `${this.resource}: ${reason}` });
  }

  /** A required, trimmed email address. */
  email(property: string): string | undefined {
    const value = this.news[property];
    if (isUnknown(value)) return UNKNOWN;
    if (value === undefined || value === null || value === "") {
      this.fail(
        property,
        `${property} is required: set it to the user's email address, e.g. "jane.doe@example.com"`,
      );
      return undefined;
    }
    const problem = typeof value === "string" ? emailProblem(value) : "is not a string";
    if (problem !== undefined) {
      this.fail(
        property,
        `${property} must be an email address such as "jane.doe@example.com", got ${show(value)}: it ${problem}`,
      );
      return undefined;
    }
    return (value as string).trim();
  }

  /** A required non-empty string. */
  string(property: string, opts: { required: true; example: string; maxLength?: number }): string | undefined;
  string(
    property: string,
    opts: { required: false; example: string; maxLength?: number },
  ): string | undefined;
  string(
    property: string,
    opts: { required: boolean; example: string; maxLength?: number },
  ): string | undefined {
    const value = this.news[property];
    if (isUnknown(value)) return UNKNOWN;
    if (value === undefined || value === null) {
      if (opts.required) this.fail(property, `${property} is required, e.g. ${show(opts.example)}`);
      return undefined;
    }
    if (typeof value !== "string" || value.trim() === "") {
      this.fail(
        property,
        `${property} must be a non-empty string such as ${show(opts.example)}, got ${show(value)}`,
      );
      return undefined;
    }
    if (opts.maxLength !== undefined && value.length > opts.maxLength) {
      this.fail(
        property,
        `${property} must be at most ${opts.maxLength} characters, got ${value.length}: shorten it`,
      );
      return undefined;
    }
    return value;
  }

  /**
   * A required identifier that the client puts into a URL path (`/v1/users/{id}/...`): trimmed, as
   * surrounding spaces are a copy-paste accident, and never `.`, `..`, a `/` or a hidden character,
   * which would address another path.
   */
  pathSegment(property: string, example: string): string | undefined {
    const value = this.string(property, { required: true, example, maxLength: 255 });
    if (value === undefined || isUnknown(value)) return value;
    const trimmed = value.trim();
    let problem: string | undefined;
    if (trimmed === "." || trimmed === "..") problem = `cannot be ${show(trimmed)}`;
    else if (/[/\\]/.test(trimmed)) problem = "cannot contain / or \\";
    else if (/[\p{Cc}\p{Cf}\u2028\u2029]/u.test(trimmed))
      problem = "contains an invisible or control character";
    if (problem !== undefined) {
      this.fail(
        property,
        `${property} ${problem}: set it to the id exactly, e.g. ${show(example)}, got ${show(value)}`,
      );
      return undefined;
    }
    return trimmed;
  }

  /** One of a fixed set of strings (case-sensitive, as the API is). */
  oneOf<T extends string>(property: string, allowed: readonly T[], fallback?: T): T | undefined {
    const value = this.news[property];
    if (isUnknown(value)) return UNKNOWN as T;
    if (value === undefined || value === null) {
      if (fallback === undefined) {
        this.fail(property, `${property} is required: set it to ${alternatives(allowed)}`);
      }
      return fallback;
    }
    if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
      const near =
        typeof value === "string"
          ? allowed.find((a) => a.toLowerCase() === value.trim().toLowerCase())
          : undefined;
      const fix = near ? ` (values are case-sensitive: use ${show(near)})` : "";
      this.fail(property, `${property} must be ${alternatives(allowed)}, got ${show(value)}${fix}`);
      return undefined;
    }
    return value as T;
  }

  /** An optional boolean. */
  boolean(property: string, fallback: boolean): boolean {
    const value = this.news[property];
    if (value === undefined || value === null || isUnknown(value)) return fallback;
    if (typeof value !== "boolean") {
      this.fail(property, `${property} must be true or false, got ${show(value)}`);
      return fallback;
    }
    return value;
  }

  /** Any property not in `known` (and not the serialized provider) is a failure: most often a typo. */
  noOthers(known: readonly string[]): void {
    for (const key of Object.keys(this.news)) {
      if (key === PROVIDER_KEY || known.includes(key)) continue;
      this.fail(key, `unknown property ${show(key)}: the properties are ${known.join(", ")}`);
    }
  }
}

function alternatives(allowed: readonly string[]): string {
  const quoted = allowed.map((a) => JSON.stringify(a));
  if (quoted.length <= 1) return quoted.join("");
  return `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
}

/** Removes `undefined` values, which the plugin cannot send back to the engine. */
export function defined<T extends Record<string, unknown>>(values: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) out[key] = value;
  }
  return out as T;
}

/** Case-insensitive email comparison, as CAS compares addresses. */
export function sameEmail(a: unknown, b: unknown): boolean {
  return typeof a === "string" && typeof b === "string" && a.trim().toLowerCase() === b.trim().toLowerCase();
}

/**
 * JSON with object keys sorted: the engine's wire format (protobuf Struct) does not keep key order,
 * so two equal values must compare equal whatever order their keys arrive in.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

/**
 * The inputs `check` accepted, validated again before a create or an update: the engine only sends
 * inputs that passed `check`, so a failure here means an old state or a bug, and nothing is sent.
 */
export function acceptedInputs<T>(result: pulumi.dynamic.CheckResult<T>): T {
  if (result.failures?.length) {
    throw new InvalidInputError(result.failures.map((f) => f.reason).join("; "));
  }
  return result.inputs as T;
}
