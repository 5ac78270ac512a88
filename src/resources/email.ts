/**
 * The one rule for email addresses typed by people (resource inputs, roster entries, function
 * arguments): what CAS can look up, and nothing that would hide a second address inside the first.
 */

/** RFC 5321 allows 64 + 1 + 255 characters; longer values are never a mailbox. */
export const MAX_EMAIL_LENGTH = 320;

const SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Control characters, and the invisible "format" ones (zero-width space, BOM, bidi overrides...). */
const HIDDEN = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

/**
 * Why `value` is not a usable email address, or `undefined` when it is. The reason never echoes a
 * hidden character itself: it names its code point.
 */
export function emailProblem(value: string): string | undefined {
  const hidden = HIDDEN.exec(value);
  if (hidden) {
    const codePoint = hidden[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
    return `contains an invisible or control character (U+${codePoint}) at position ${hidden.index + 1}: retype it`;
  }
  const trimmed = value.trim();
  if (trimmed.length > MAX_EMAIL_LENGTH) {
    return `is ${trimmed.length} characters long; an email address has at most ${MAX_EMAIL_LENGTH}`;
  }
  if (!SHAPE.test(trimmed)) return "is not of the form name@domain";
  return undefined;
}

/** The form two addresses are compared in: CAS compares emails case-insensitively. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}
