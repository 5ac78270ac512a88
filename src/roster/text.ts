/**
 * How roster messages quote what people wrote: a cell of a file may hold anything (a whole line, a
 * pasted paragraph, an invisible character), so values are cut short and hidden characters are
 * shown by their code point, never echoed.
 */

/** Longest part of a value quoted in a message, in characters. */
export const QUOTED_VALUE_LENGTH = 40;

const HIDDEN = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/**
 * `value` cut to `maxLength` characters (then `...`), with control and invisible characters written
 * as `\uXXXX`: safe to put in a message.
 */
export function clip(value: string, maxLength: number = QUOTED_VALUE_LENGTH): string {
  const { head, cut } = cutText(value, maxLength);
  return head.replace(HIDDEN, codePoint) + (cut ? "..." : "");
}

/**
 * `value` in double quotes, cut to {@link QUOTED_VALUE_LENGTH} characters (`"abc"...` when cut), with
 * control and invisible characters written as `\uXXXX`.
 */
export function quote(value: string, maxLength: number = QUOTED_VALUE_LENGTH): string {
  const { head, cut } = cutText(value, maxLength);
  return JSON.stringify(head).replace(HIDDEN, codePoint) + (cut ? "..." : "");
}

function cutText(value: string, maxLength: number): { head: string; cut: boolean } {
  // Each character is one or two UTF-16 units: 2 * maxLength units hold at least maxLength characters.
  const long = value.length > maxLength * 2;
  const chars = Array.from(long ? value.slice(0, maxLength * 2) : value);
  return { head: chars.slice(0, maxLength).join(""), cut: long || chars.length > maxLength };
}

/** `U+200B` style name of a character. */
export function codePointName(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

function codePoint(c: string): string {
  return `\\u${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** What a value is, for "got ..." in messages: `a number (3)`, `a list`, `an object`, `"text"`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") return `the text ${quote(value)}`;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return `${typeof value === "boolean" ? "a boolean" : "a number"} (${clip(String(value))})`;
  }
  if (Array.isArray(value)) return "a list";
  return "an object";
}

/** `1 problem`, `3 problems`. */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

/** `a`, `a or b`, `a, b or c`. */
export function alternatives(words: readonly string[], conjunction = "or"): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} ${conjunction} ${words[words.length - 1]}`;
}

/** At most `max` items joined by `, `, then `and N more`. */
export function listSome(items: readonly string[], max: number): string {
  const shown = items.slice(0, max).join(", ");
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}

/**
 * One line number per offset of `text`: the 1-based line of each offset, computed once for the many
 * lookups of a large file.
 */
export function lineOfOffset(text: string): (offset: number) => number {
  const starts: number[] = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
}

/**
 * The text of a roster file as parsers should see it: without a UTF-8 byte-order mark, with `\n` line
 * ends (CRLF and lone CR become LF, so line numbers are the ones an editor shows).
 */
export function normalizeText(text: string): string {
  const withoutBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return withoutBom.includes("\r") ? withoutBom.replace(/\r\n?/g, "\n") : withoutBom;
}
