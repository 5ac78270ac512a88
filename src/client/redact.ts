/**
 * How configured values and library errors appear in messages: cut short, never whole. A mistyped
 * setting may hold a secret (a key pasted where a path belongs), and messages end up in CI logs.
 */

/** At most this many characters of a configured value (a knob, a header name, a PEM label) are shown. */
const MAX_VALUE_CHARS = 40;
/** At most this many characters of a path or URL are shown. */
const MAX_PATH_CHARS = 120;
/** A run of base64/base64url/hex characters this long is treated as key material and never shown. */
const KEY_MATERIAL = /[A-Za-z0-9+/=_-]{24,}/g;

function cut(value: string, max: number): string {
  const oneLine = value.replace(/\s+/g, " ").trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max)}… (${value.length} characters)`;
}

/** A configured value for a message: one line, at most {@link MAX_VALUE_CHARS} characters. */
export function shortValue(value: string): string {
  return cut(value, MAX_VALUE_CHARS);
}

/** A path or URL for a message: one line, at most {@link MAX_PATH_CHARS} characters. */
export function shortPath(value: string): string {
  return cut(value, MAX_PATH_CHARS);
}

/**
 * Why a crypto library refused a key (jose, OpenSSL): its code and message, without anything that
 * looks like key material, cut short. Their messages name the failure ("RS256 requires key
 * modulusLength to be 2048 bits or larger"), never the key; this makes sure.
 */
export function cryptoReason(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message.replace(KEY_MATERIAL, "…") : "";
  const parts = [typeof code === "string" ? code : undefined, message !== "" ? cut(message, 160) : undefined];
  const reason = parts.filter((p): p is string => p !== undefined).join(": ");
  return reason !== "" ? reason : "unknown error";
}
