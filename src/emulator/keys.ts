/**
 * Key material: the legacy API key (RSA, PKCS#1 PEM in a JSON key file), OAuth client keys (RSA or EC
 * private JWKs) and the Nexus test credentials. RSA generation is slow, so without a key folder the
 * keys are generated once per process and reused by every emulator (with fresh ids); with a key folder
 * everything is kept there and reused across runs.
 */
import { createPrivateKey, createPublicKey, generateKeyPair, randomBytes, randomUUID } from "node:crypto";
import type { JsonWebKey, KeyObject } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { LegacyKeyFile, NexusCredentials } from "./types";

const generate = promisify(generateKeyPair);

export type ClientJwk = JsonWebKey & { kid: string; alg: string };

/** An OAuth client as the token endpoint knows it. */
export interface OAuthClientKey {
  clientId: string;
  kid: string;
  alg: "RS256" | "ES256";
  privateJwk: ClientJwk;
  publicKey: KeyObject;
}

export interface KeyMaterial {
  accessID: string;
  legacyPrivateKey: KeyObject;
  oauth: OAuthClientKey;
  nexus: NexusCredentials;
}

const processKeys = new Map<string, Promise<KeyObject>>();

function rsaKey(): Promise<KeyObject> {
  return generate("rsa", { modulusLength: 2048 }).then((pair) => pair.privateKey);
}

/** An RSA key generated once per process for `purpose`. */
function processRsaKey(purpose: string): Promise<KeyObject> {
  let key = processKeys.get(purpose);
  if (!key) {
    key = rsaKey();
    key.catch(() => processKeys.delete(purpose));
    processKeys.set(purpose, key);
  }
  return key;
}

function token(bytes: number): string {
  return randomBytes(bytes).toString("base64url");
}

export function pkcs1Pem(key: KeyObject): string {
  return key.export({ format: "pem", type: "pkcs1" }).toString();
}

/** Builds the client record from a private JWK (kid and alg taken from it). */
export function oauthClientFromJwk(clientId: string, privateJwk: ClientJwk): OAuthClientKey {
  const privateKey = createPrivateKey({ key: privateJwk, format: "jwk" });
  const alg = privateJwk.kty === "EC" ? "ES256" : "RS256";
  return { clientId, kid: privateJwk.kid, alg, privateJwk, publicKey: createPublicKey(privateKey) };
}

/** A new OAuth client with its own key (`processKey`: reuse the process-wide RSA key). */
export async function createOAuthClient(kind: "RSA" | "EC", processKey = false): Promise<OAuthClientKey> {
  const privateKey =
    kind === "EC"
      ? (await generate("ec", { namedCurve: "P-256" })).privateKey
      : await (processKey ? processRsaKey("oauth") : rsaKey());
  const jwk: JsonWebKey = privateKey.export({ format: "jwk" });
  const privateJwk: ClientJwk = {
    ...jwk,
    kid: randomUUID(),
    alg: kind === "EC" ? "ES256" : "RS256",
    use: "sig",
  };
  return oauthClientFromJwk(randomUUID(), privateJwk);
}

function nexusCredentials(given: Partial<NexusCredentials> = {}): NexusCredentials {
  return {
    username: given.username ?? "emulator-nexus",
    password: given.password ?? token(18),
    bearerToken: given.bearerToken ?? token(32),
    applicationToken: given.applicationToken ?? token(24),
    applicationTokenHeader: given.applicationTokenHeader ?? "ApplicationToken",
  };
}

interface StoredMaterial {
  legacy: { accessID: string; accessKey: string };
  oauth: { clientId: string; privateJwk: ClientJwk };
  nexus: NexusCredentials;
}

export const KEY_STATE_FILE = "emulator-keys.json";

async function readStored(keyDir: string): Promise<StoredMaterial | undefined> {
  try {
    return JSON.parse(await readFile(join(keyDir, KEY_STATE_FILE), "utf8")) as StoredMaterial;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/**
 * The key material of one emulator. With `keyDir`, read from (or first written to) its state file;
 * explicit Nexus credentials always win.
 */
export async function loadKeyMaterial(
  keyDir?: string,
  nexus?: Partial<NexusCredentials>,
): Promise<KeyMaterial> {
  const stored = keyDir ? await readStored(keyDir) : undefined;
  if (stored) {
    return {
      accessID: stored.legacy.accessID,
      legacyPrivateKey: createPrivateKey(stored.legacy.accessKey),
      oauth: oauthClientFromJwk(stored.oauth.clientId, stored.oauth.privateJwk),
      nexus: nexusCredentials({ ...stored.nexus, ...nexus }),
    };
  }
  const material: KeyMaterial = {
    accessID: randomUUID(),
    legacyPrivateKey: await (keyDir ? rsaKey() : processRsaKey("legacy")),
    oauth: await createOAuthClient("RSA", !keyDir),
    nexus: nexusCredentials(nexus),
  };
  if (keyDir) {
    const state: StoredMaterial = {
      legacy: { accessID: material.accessID, accessKey: pkcs1Pem(material.legacyPrivateKey) },
      oauth: { clientId: material.oauth.clientId, privateJwk: material.oauth.privateJwk },
      nexus: material.nexus,
    };
    await mkdir(keyDir, { recursive: true });
    await writeFile(join(keyDir, KEY_STATE_FILE), JSON.stringify(state, null, 2) + "\n", { mode: 0o600 });
  }
  return material;
}

/** Writes `<accessID>.key` as the console does (one JSON object, PEM newlines escaped). */
export async function writeLegacyKeyFile(dir: string, keyFile: LegacyKeyFile): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${keyFile.accessID}.key`);
  await writeFile(path, JSON.stringify(keyFile), { mode: 0o600 });
  return path;
}
