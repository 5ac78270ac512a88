import { createPrivateKey, type KeyObject } from "node:crypto";
import { z } from "zod";
import { InvalidKeyError } from "../errors";
import { DEFAULTS } from "./defaults";
import { shortValue } from "./redact";
import { apiUrlProblem, normaliseAdminRestApiUrl } from "./url";

/** A legacy Administration API key, ready to sign tokens. */
export interface LegacyKey {
  customerName?: string;
  accessID: string;
  /** Exactly as in the key file: the JWT `aud`. */
  adminRestApiUrl: string;
  /** Normalised request base: `https://<host>/AdminInterface/restapi` (no trailing slash, no `/v1`). */
  baseUrl: string;
  privateKey: KeyObject;
  description?: string;
}

/** The key file the Cloud Administration Console hands out (`<uuid>.key`); unknown fields are ignored. */
export const legacyKeyFileSchema = z.object({
  customerName: z.string().optional(),
  accessID: z.string().min(1),
  accessKey: z.string().min(1),
  adminRestApiUrl: z.string().min(1),
  description: z.string().optional(),
});

export type LegacyKeyFile = z.infer<typeof legacyKeyFileSchema>;

const PEM = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * A private key as a well-formed PEM (64-character lines), from PEM text with real, `\r\n` or literal
 * `\n` line breaks, or none at all; or the label of an unusable PEM block; or `undefined`.
 */
export function normalisePrivateKeyPem(raw: string): { pem: string } | { problem: string } {
  const text = raw.replace(/\\r\\n|\\n|\\r/g, "\n").replace(/\r\n?/g, "\n");
  const match = PEM.exec(text);
  if (!match) return { problem: "is not a PEM private key (no -----BEGIN ... PRIVATE KEY----- block)" };
  const label = match[1];
  if (label === "ENCRYPTED PRIVATE KEY")
    return { problem: "is an encrypted private key (expected an unencrypted one)" };
  if (label !== "RSA PRIVATE KEY" && label !== "PRIVATE KEY") {
    return {
      problem: `is a PEM "${shortValue(label)}" block (expected "RSA PRIVATE KEY" or "PRIVATE KEY")`,
    };
  }
  const body = match[2].replace(/\s+/g, "");
  if (!BASE64.test(body)) return { problem: "has a PEM body that is not base64" };
  const lines = body.match(/.{1,64}/g) ?? [];
  return { pem: `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n` };
}

/** An RSA private key from PEM text in any of the forms {@link normalisePrivateKeyPem} accepts. */
export function readRsaPrivateKey(raw: string, what: string): KeyObject {
  const normalised = normalisePrivateKeyPem(raw);
  if ("problem" in normalised) throw new InvalidKeyError(`${what} ${normalised.problem}.`);
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: normalised.pem, format: "pem" });
  } catch (err) {
    // OpenSSL's messages name the failure, never the key; keep only the code to be sure.
    const code = (err as { code?: unknown }).code;
    throw new InvalidKeyError(
      `${what} is not a readable PEM RSA private key${typeof code === "string" ? ` (${code})` : ""}.`,
    );
  }
  if (key.asymmetricKeyType !== "rsa") {
    throw new InvalidKeyError(
      `${what} is a key of type ${key.asymmetricKeyType ?? "unknown"}; the Administration API key must be RSA.`,
    );
  }
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (bits === undefined || bits < DEFAULTS.minRsaKeyBits) {
    throw new InvalidKeyError(
      `${what} is a ${bits ?? "unknown"}-bit RSA key; RS256 tokens need at least ${DEFAULTS.minRsaKeyBits} bits.`,
      {
        hint: "Generate a new key in the Cloud Administration Console (Platform > API Key Management) and use its key file.",
      },
    );
  }
  return key;
}

function describeIssue(issue: z.core.$ZodIssue, data: object): string {
  const field = issue.path.join(".") || "(top level)";
  if (issue.code === "invalid_type") {
    const present = issue.path.length === 1 && (data as Record<PropertyKey, unknown>)[issue.path[0]] != null;
    return present ? `the field ${field} is not a ${issue.expected}` : `the field ${field} is missing`;
  }
  if (issue.code === "too_small") return `the field ${field} is empty`;
  return `the field ${field} is invalid`;
}

/**
 * Reads a legacy Administration API key file: its JSON text or the parsed object (a path is read by
 * the settings, not here). Messages name what is wrong, never the key or the file's content.
 *
 * @param source where the key came from, for messages (e.g. `securid:apiKeyFile /path/key.key`).
 */
/**
 * The JSON object of a key given as text or already parsed. Messages name `source` and what was
 * expected, never the text: JSON.parse's own message quotes it.
 */
export function parseKeyObject(
  input: string | object,
  source: string,
  expected: string,
): Record<string, unknown> {
  let data: unknown = input;
  if (typeof input === "string") {
    try {
      data = JSON.parse(input.replace(/^\uFEFF/, ""));
    } catch {
      throw new InvalidKeyError(`${source} is not JSON; expected ${expected}.`);
    }
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new InvalidKeyError(`${source} is not a JSON object; expected ${expected}.`);
  }
  return data as Record<string, unknown>;
}

export function parseLegacyKeyFile(input: string | object, source = "the API key file"): LegacyKey {
  const data = parseKeyObject(input, source, "the key file downloaded from the Cloud Administration Console");
  const parsed = legacyKeyFileSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => describeIssue(issue, data)).join("; ");
    throw new InvalidKeyError(`${source} cannot be used: ${problems}.`);
  }
  const file = parsed.data;
  const urlProblem = apiUrlProblem(file.adminRestApiUrl);
  if (urlProblem) throw new InvalidKeyError(`${source}: adminRestApiUrl ${urlProblem}.`);
  const privateKey = readRsaPrivateKey(file.accessKey, `${source}: accessKey`);
  return {
    ...(file.customerName !== undefined && { customerName: file.customerName }),
    accessID: file.accessID,
    adminRestApiUrl: file.adminRestApiUrl,
    baseUrl: normaliseAdminRestApiUrl(file.adminRestApiUrl),
    privateKey,
    ...(file.description !== undefined && { description: file.description }),
  };
}
