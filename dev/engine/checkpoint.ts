/**
 * The stack's checkpoint: what the engine keeps per resource, and its `pulumi stack export` form (apitype
 * `DeploymentV3`/`ResourceV3`), with secrets encrypted the way the passphrase secrets provider does
 * (`sdk/go/common/resource/config/crypt.go`: PBKDF2-SHA256 with 1,000,000 rounds, AES-256-GCM, `v1:<nonce>:<ct>`).
 */
import { createCipheriv, createDecipheriv, pbkdf2Sync, randomBytes } from "node:crypto";
import type { PropertyMap } from "./plugin";
import { SECRET_SIG, SIG_KEY, isSecret, wrapSecret } from "./secrets";
import { parseUrn } from "./urn";

/** One resource of the checkpoint. Inputs and outputs keep secrets in the wire form, in plain text (in memory). */
export interface ResourceRecord {
  urn: string;
  type: string;
  /** The resource's name (the last part of its URN). */
  name: string;
  custom: boolean;
  /** Pending deletion: the old half of a create-before-delete replacement whose delete has not run yet. */
  delete?: boolean;
  id?: string;
  parent?: string;
  inputs: PropertyMap;
  outputs: PropertyMap;
  dependencies: string[];
  propertyDependencies?: Record<string, string[]>;
  /** `<provider URN>::<provider id>` for custom resources. */
  provider?: string;
  /** Reasons of a create/update that failed after creating the resource (ErrorResourceInitFailed). */
  initErrors?: string[];
  additionalSecretOutputs?: string[];
  /** The old URN this resource was found under when an alias matched. */
  aliases?: string[];
}

/** `pulumi stack export` (version 3). */
export interface ExportedDeployment {
  version: 3;
  deployment: {
    manifest: { time: string; magic: string; version: string };
    secrets_providers?: { type: "passphrase"; state: { salt: string } };
    resources?: Record<string, unknown>[];
  };
}

const KEY_ROUNDS = 1_000_000;

/** The passphrase secrets provider: one salt per stack, the key derived once. */
export class PassphraseCrypter {
  private readonly key: Buffer;

  private constructor(
    readonly state: string,
    key: Buffer,
  ) {
    this.key = key;
  }

  /** A new salt, as `pulumi stack init --secrets-provider passphrase` makes. */
  static create(passphrase: string): PassphraseCrypter {
    const salt = randomBytes(8);
    const key = pbkdf2Sync(passphrase, salt, KEY_ROUNDS, 32, "sha256");
    const probe = encrypt(key, "pulumi");
    return new PassphraseCrypter(`v1:${salt.toString("base64")}:${probe}`, key);
  }

  /** From the `secrets_providers.state.salt` of an export; fails when the passphrase is wrong. */
  static fromState(passphrase: string, state: string): PassphraseCrypter {
    const parts = state.split(":");
    if (parts.length !== 5 || parts[0] !== "v1") throw new Error(`bad passphrase state: ${state}`);
    const salt = Buffer.from(parts[1]!, "base64");
    const key = pbkdf2Sync(passphrase, salt, KEY_ROUNDS, 32, "sha256");
    if (decrypt(key, parts.slice(2).join(":")) !== "pulumi") throw new Error("incorrect passphrase");
    return new PassphraseCrypter(state, key);
  }

  encrypt(plaintext: string): string {
    return encrypt(this.key, plaintext);
  }

  decrypt(ciphertext: string): string {
    return decrypt(this.key, ciphertext);
  }
}

function encrypt(key: Buffer, plaintext: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `v1:${nonce.toString("base64")}:${sealed.toString("base64")}`;
}

function decrypt(key: Buffer, value: string): string {
  const [v, nonce, sealed] = value.split(":");
  if (v !== "v1" || !nonce || !sealed) throw new Error("bad ciphertext");
  const bytes = Buffer.from(sealed, "base64");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64"));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString(
      "utf8",
    );
  } catch {
    throw new Error("failed to decrypt a secret: incorrect passphrase or corrupt ciphertext");
  }
}

/** `stack.SerializePropertyValue`: a secret becomes `{sig, ciphertext}` (or `{sig, plaintext}` with showSecrets). */
function serializeValue(value: unknown, crypter: PassphraseCrypter | undefined): unknown {
  if (isSecret(value)) {
    const inner = JSON.stringify(serializeValue(value.value, crypter));
    return crypter
      ? { [SIG_KEY]: SECRET_SIG, ciphertext: crypter.encrypt(inner) }
      : { [SIG_KEY]: SECRET_SIG, plaintext: inner };
  }
  if (Array.isArray(value)) return value.map((v) => serializeValue(v, crypter));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = serializeValue(v, crypter);
    return out;
  }
  return value;
}

function deserializeValue(value: unknown, crypter: () => PassphraseCrypter): unknown {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    if (obj[SIG_KEY] === SECRET_SIG && !("value" in obj)) {
      const text =
        typeof obj.ciphertext === "string"
          ? crypter().decrypt(obj.ciphertext)
          : String(obj.plaintext ?? "null");
      return wrapSecret(deserializeValue(JSON.parse(text), crypter));
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) out[k] = deserializeValue(v, crypter);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => deserializeValue(v, crypter));
  return value;
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === "") return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === "object") return Object.keys(v).length === 0;
  return false;
}

/** `ResourceV3` field order, empty fields left out (`omitempty`), `custom` always present. */
function exportResource(r: ResourceRecord, crypter: PassphraseCrypter | undefined): Record<string, unknown> {
  const fields: [string, unknown][] = [
    ["urn", r.urn],
    ["custom", r.custom],
    ["delete", r.delete],
    ["id", r.id],
    ["type", r.type],
    ["inputs", serializeValue(r.inputs, crypter)],
    ["outputs", serializeValue(r.outputs, crypter)],
    ["parent", r.parent],
    ["dependencies", r.dependencies],
    ["initErrors", r.initErrors],
    ["provider", r.provider],
    ["propertyDependencies", r.propertyDependencies],
    ["additionalSecretOutputs", r.additionalSecretOutputs],
    ["aliases", r.aliases],
  ];
  const out: Record<string, unknown> = {};
  for (const [k, v] of fields) if (k === "custom" || !isEmpty(v)) out[k] = v;
  return out;
}

/** The text of `pulumi stack export` (or `--show-secrets` when `crypter` is undefined). */
export function exportCheckpoint(
  resources: readonly ResourceRecord[],
  crypter: PassphraseCrypter | undefined,
  saltState: string,
): string {
  const doc: ExportedDeployment = {
    version: 3,
    deployment: {
      manifest: {
        time: new Date().toISOString(),
        magic: "",
        version: "dev-engine (a stand-in, not the CLI)",
      },
      secrets_providers: { type: "passphrase", state: { salt: saltState } },
    },
  };
  if (resources.length > 0) doc.deployment.resources = resources.map((r) => exportResource(r, crypter));
  return JSON.stringify(doc, null, 4);
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === "string") ? (v as string[]) : undefined;
}

/** Parses an export; `crypter(salt)` is asked for only when a secret needs decrypting. */
export function importCheckpoint(
  text: string,
  crypterFor: (saltState: string) => PassphraseCrypter,
): { resources: ResourceRecord[]; saltState?: string } {
  const doc = JSON.parse(text) as ExportedDeployment;
  if (doc.version !== 3 || typeof doc.deployment !== "object")
    throw new Error("not a version 3 stack export");
  const saltState = doc.deployment.secrets_providers?.state.salt;
  let crypter: PassphraseCrypter | undefined;
  const lazy = (): PassphraseCrypter => {
    if (!saltState) throw new Error("the export has encrypted secrets but no secrets provider state");
    return (crypter ??= crypterFor(saltState));
  };
  const resources = (doc.deployment.resources ?? []).map((raw): ResourceRecord => {
    const urn = String(raw.urn);
    const r: ResourceRecord = {
      urn,
      type: String(raw.type),
      name: parseUrn(urn).name,
      custom: raw.custom === true,
      inputs: deserializeValue(raw.inputs ?? {}, lazy) as PropertyMap,
      outputs: deserializeValue(raw.outputs ?? {}, lazy) as PropertyMap,
      dependencies: strings(raw.dependencies) ?? [],
    };
    if (raw.delete === true) r.delete = true;
    if (typeof raw.id === "string" && raw.id) r.id = raw.id;
    if (typeof raw.parent === "string" && raw.parent) r.parent = raw.parent;
    if (typeof raw.provider === "string" && raw.provider) r.provider = raw.provider;
    if (raw.propertyDependencies && typeof raw.propertyDependencies === "object")
      r.propertyDependencies = raw.propertyDependencies as Record<string, string[]>;
    const initErrors = strings(raw.initErrors);
    if (initErrors?.length) r.initErrors = initErrors;
    const aso = strings(raw.additionalSecretOutputs);
    if (aso?.length) r.additionalSecretOutputs = aso;
    const aliases = strings(raw.aliases);
    if (aliases?.length) r.aliases = aliases;
    return r;
  });
  return saltState ? { resources, saltState } : { resources };
}

/** A deep copy (records are JSON). */
export function copyRecord(r: ResourceRecord): ResourceRecord {
  return structuredClone(r);
}

/** Every URN `r` depends on for ordering: parent, dependencies, property dependencies, provider. */
export function dependenciesOf(r: ResourceRecord): string[] {
  const deps = new Set<string>(r.dependencies);
  if (r.parent) deps.add(r.parent);
  for (const urns of Object.values(r.propertyDependencies ?? {})) for (const u of urns) deps.add(u);
  if (r.provider) deps.add(r.provider.slice(0, r.provider.lastIndexOf("::")));
  return [...deps];
}

/**
 * After resources left the state (a refresh found them gone): drop dependencies on URNs no longer present, and
 * the parent of a child whose parent is gone (deployment_executor.go rebuildBaseState, undangleParentResources, run
 * on the list without the removed resources). `resources` must be in dependency order.
 */
export function repairReferences(resources: ResourceRecord[]): void {
  const present = new Set<string>();
  for (const r of resources) {
    if (r.dependencies.length > 0) r.dependencies = r.dependencies.filter((u) => present.has(u));
    if (r.propertyDependencies) {
      for (const [k, urns] of Object.entries(r.propertyDependencies))
        r.propertyDependencies[k] = urns.filter((u) => present.has(u));
    }
    if (r.parent && !present.has(r.parent)) delete r.parent;
    present.add(r.urn);
  }
}

/** Replaces references to old URNs (an alias matched) by the new ones, in every record. */
export function renameReferences(resources: ResourceRecord[], renamed: ReadonlyMap<string, string>): void {
  if (renamed.size === 0) return;
  const map = (u: string) => renamed.get(u) ?? u;
  for (const r of resources) {
    if (r.parent) r.parent = map(r.parent);
    r.dependencies = r.dependencies.map(map);
    if (r.propertyDependencies)
      for (const [k, urns] of Object.entries(r.propertyDependencies))
        r.propertyDependencies[k] = urns.map(map);
  }
}
