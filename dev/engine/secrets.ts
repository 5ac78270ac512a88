/**
 * Wire forms of special values (see `@pulumi/pulumi/runtime/rpc.js`) and deep searches used to assert that no
 * credential leaks into state.
 */

/** `specialSigKey` in `@pulumi/pulumi/runtime/rpc.js`. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
/** `specialSecretSig` in `@pulumi/pulumi/runtime/rpc.js`. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** `unknownValue` in `@pulumi/pulumi/runtime/rpc.js`: what the engine sends for a value not known during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface WireSecret<T = unknown> {
  [SIG_KEY]: typeof SECRET_SIG;
  value: T;
}

/** Wraps a value in the secret wire form, as the engine marshals a secret with `KeepSecrets: true`. */
export function wrapSecret<T>(value: T): WireSecret<T> {
  return { [SIG_KEY]: SECRET_SIG, value: (value === undefined ? null : value) as T };
}

export function isSecret(value: unknown): value is WireSecret {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG
  );
}

/** One level: the value inside a wire secret, or the value itself (same as `rpc.unwrapRpcSecret`). */
export function unwrapSecret(value: unknown): unknown {
  return isSecret(value) ? value.value : value;
}

/**
 * Removes every secret wrapper, deeply: what the engine does to the properties it sends to a provider that answered
 * `acceptSecrets: false` to Configure (the dynamic provider does).
 */
export function unwrapSecretsDeep<T>(value: T): T {
  if (isSecret(value)) return unwrapSecretsDeep(value.value) as T;
  if (Array.isArray(value)) return value.map((v) => unwrapSecretsDeep(v)) as T;
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = unwrapSecretsDeep(v);
    return out as T;
  }
  return value;
}

/** True if `value` contains a secret wrapper anywhere. */
export function containsSecrets(value: unknown): boolean {
  if (isSecret(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecrets);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsSecrets);
  return false;
}

export interface FindSecretsOptions {
  /**
   * Do not look inside secret wrappers. The engine encrypts secret values in the checkpoint, so a credential inside
   * a wrapper is not stored in plain text. Default false: every string is searched.
   */
  skipSecretValues?: boolean;
}

/**
 * Deep string search: returns the needles (non-empty ones) found anywhere in `haystack`, as a substring of any string
 * value or object key, at any depth (including the serialized `__provider` text). Empty result = no leak.
 */
export function findSecrets(haystack: unknown, needles: string[], opts: FindSecretsOptions = {}): string[] {
  const wanted = [...new Set(needles.filter((n) => typeof n === "string" && n.length > 0))];
  const found = new Set<string>();
  const seen = new Set<unknown>();
  const visitString = (s: string): void => {
    for (const n of wanted) if (!found.has(n) && s.includes(n)) found.add(n);
  };
  const visit = (v: unknown): void => {
    if (found.size === wanted.length) return;
    if (typeof v === "string") return visitString(v);
    if (typeof v !== "object" || v === null || seen.has(v)) return;
    seen.add(v);
    if (opts.skipSecretValues && isSecret(v)) return;
    if (Buffer.isBuffer(v)) return visitString(v.toString("utf8"));
    if (v instanceof Map) {
      for (const [k, x] of v) {
        visit(k);
        visit(x);
      }
      return;
    }
    if (Array.isArray(v) || v instanceof Set) {
      for (const x of v) visit(x);
      return;
    }
    for (const [k, x] of Object.entries(v)) {
      visitString(k);
      visit(x);
    }
  };
  visit(haystack);
  return wanted.filter((n) => found.has(n));
}
