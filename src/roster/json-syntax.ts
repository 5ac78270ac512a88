/**
 * Where a JSON text stops being JSON, and why, in words for the person who edited it. `JSON.parse`
 * says neither reliably: V8 gives no position for an unexpected token, and quotes the text around
 * it, which may be a whole line of personal data.
 */

import { quote } from "./text";

/** The first syntax error of a JSON text. */
export interface JsonSyntaxProblem {
  /** Offset in the text (UTF-16 units). */
  offset: number;
  /** What is wrong there, e.g. `a trailing comma before "]"; remove it`. */
  problem: string;
}

/** Deeper nesting is reported rather than followed (the scanner recurses). */
const MAX_DEPTH = 512;

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class Found {
  constructor(readonly problem: JsonSyntaxProblem) {}
}

/**
 * The first syntax error of `text` (RFC 8259), or `undefined` when it is valid JSON. Meant for the
 * failure path of `JSON.parse`: it only locates the error.
 */
export function findJsonSyntaxProblem(text: string): JsonSyntaxProblem | undefined {
  try {
    new JsonScanner(text).document();
    return undefined;
  } catch (err) {
    if (err instanceof Found) return err.problem;
    throw err;
  }
}

class JsonScanner {
  private at = 0;

  constructor(private readonly text: string) {}

  document(): void {
    this.space();
    this.value(0);
    this.space();
    if (this.at < this.text.length) this.fail("more text after the end of the JSON value; remove it");
  }

  private fail(problem: string, offset = this.at): never {
    throw new Found({ offset, problem });
  }

  /** An unexpected character (or the end) where `expected` should be. */
  private unexpected(expected: string): never {
    const c = this.text[this.at];
    if (c === undefined)
      this.fail(`the text ends where ${expected} should be; a bracket or a quote is not closed`);
    if (c === "/") this.fail("a comment; JSON has no comments: remove it");
    if (c === "'") this.fail("a single quote; JSON strings and names take double quotes");
    this.fail(`unexpected ${quote(c, 1)} where ${expected} should be`);
  }

  private space(): void {
    const { text } = this;
    while (this.at < text.length) {
      const c = text.charCodeAt(this.at);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      this.at++;
    }
  }

  private value(depth: number): void {
    if (depth > MAX_DEPTH) this.fail(`lists or objects nested more than ${MAX_DEPTH} deep`);
    const c = this.text[this.at];
    if (c === "{") return this.container(depth, "}", true);
    if (c === "[") return this.container(depth, "]", false);
    if (c === '"') return this.string();
    for (const literal of ["true", "false", "null"]) {
      if (this.text.startsWith(literal, this.at)) {
        this.at += literal.length;
        return;
      }
    }
    NUMBER.lastIndex = this.at;
    const number = NUMBER.exec(this.text);
    if (number && number[0] !== "" && number[0] !== "-") {
      this.at += number[0].length;
      return;
    }
    this.unexpected("a value");
  }

  /** An object (members `"name": value`) or a list, after its opening bracket. */
  private container(depth: number, close: "}" | "]", members: boolean): void {
    this.at++;
    this.space();
    if (this.text[this.at] === close) {
      this.at++;
      return;
    }
    for (;;) {
      if (members) {
        if (this.text[this.at] !== '"') this.unexpected("a name in double quotes");
        this.string();
        this.space();
        if (this.text[this.at] !== ":") this.unexpected('":" after the name');
        this.at++;
        this.space();
      }
      this.value(depth + 1);
      this.space();
      const next = this.text[this.at];
      if (next === close) {
        this.at++;
        return;
      }
      if (next !== ",") this.unexpected(`"," or "${close}"`);
      const comma = this.at;
      this.at++;
      this.space();
      if (this.text[this.at] === close) this.fail(`a trailing comma before "${close}"; remove it`, comma);
    }
  }

  private string(): void {
    const start = this.at;
    const { text } = this;
    this.at++;
    for (;;) {
      const c = text[this.at];
      if (c === undefined) this.fail("a string that is never closed; add the closing double quote", start);
      if (c === '"') {
        this.at++;
        return;
      }
      if (c === "\\") {
        const escape = text[this.at + 1];
        if (escape === "u" && /^[0-9A-Fa-f]{4}$/.test(text.slice(this.at + 2, this.at + 6))) {
          this.at += 6;
          continue;
        }
        if (escape !== undefined && '"\\/bfnrt'.includes(escape)) {
          this.at += 2;
          continue;
        }
        this.fail('an invalid escape in a string; write a backslash as "\\\\"');
      }
      if (c < " ") {
        this.fail(
          c === "\n"
            ? "a line break inside a string; a string ends on its line (write a line break as \\n)"
            : "a control character inside a string; remove it",
        );
      }
      this.at++;
    }
  }
}
