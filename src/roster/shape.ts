import type { z } from "zod";
import { describeValue, quote } from "./text";

/** A place below `root`: `columns.email`, `statusMap["Leave of Absence"]`, `users[3]`. */
export function placeOf(root: string, path: readonly PropertyKey[]): string {
  let place = root;
  for (const key of path) {
    if (typeof key === "number") place += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][\w$]*$/.test(key)) place += place ? `.${key}` : key;
    else place += `[${quote(String(key))}]`;
  }
  return place;
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: "a text",
  array: "a list",
  object: "an object",
  record: "an object",
  number: "a number",
  boolean: "true or false",
};

/**
 * The problems of a zod parse written for the person who typed the value: each names its place, what
 * was expected and what was given (cut short). `known(path)` names the properties an object takes,
 * for unknown-property problems.
 */
export function shapeProblems(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  root: string,
  known: (path: readonly PropertyKey[]) => readonly string[],
): { place: string; problem: string }[] {
  return issues.map((issue) => {
    const place = placeOf(root, issue.path);
    switch (issue.code) {
      case "invalid_type":
        return {
          place,
          problem: `must be ${EXPECTED[issue.expected] ?? issue.expected}, got ${describeValue(valueAt(input, issue.path))}`,
        };
      case "unrecognized_keys":
        return {
          place: place || root,
          problem: `unknown ${issue.keys.length === 1 ? "property" : "properties"} ${issue.keys
            .map((k) => quote(k))
            .join(", ")}: the properties are ${known(issue.path).join(", ")}`,
        };
      default:
        return { place, problem: issue.message };
    }
  });
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
