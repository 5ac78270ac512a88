import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { InvalidConfigError } from "../errors";
import { DEFAULTS, KNOB_RANGES } from "./defaults";
import { parseOAuthJwk, type OAuthKey } from "./auth/oauth";
import { parseLegacyKeyFile, type LegacyKey } from "./key-file";
import { nexusPrincipal, type NexusAuth } from "./nexus";
import { shortPath, shortValue } from "./redact";
import { proxySettingsFromEnv, type ProxySettings } from "./transport";
import { normaliseAdminRestApiUrl, normaliseBaseUrl, requireApiUrl } from "./url";

/** Reads a namespaced stack config key (`securid:apiKeyFile`); `undefined` when unset. */
export type ConfigLookup = (key: string) => string | undefined;

/**
 * The client knobs, validated (ranges in {@link KNOB_RANGES}). Each is read from the stack config
 * (`securid:<knob>` for CAS, `nexus:<knob>` for Nexus), else from the environment (`SECURID_MAX_CONCURRENCY`,
 * `NEXUS_MAX_RETRIES`...), else the default of {@link DEFAULTS}. They apply per tenant and per process:
 * every resource of a stack shares one client, one limiter and one token (see `registry.ts`).
 */
export interface ClientKnobs {
  /**
   * `securid:maxConcurrency` / `SECURID_MAX_CONCURRENCY`: requests in flight at most (1 to 64, default
   * 8). Requests beyond it wait in the limiter's queue. Operations the engine runs at once are bounded
   * separately by `pulumi up --parallel`.
   */
  maxConcurrency: number;
  /**
   * `securid:maxRetries` / `SECURID_MAX_RETRIES`: retries of a request after 500, 502, 503, 504 and
   * dropped connections (0 to 20, default 6), and as many again after 429s (separate budgets: a storm
   * of 429s does not use up the retries for failures). 5xx and connection errors wait an exponential
   * backoff with full jitter; a 429 queues again in the limiter, which has lowered the rate (and holds
   * every request for a `Retry-After`). Each retry is a whole new request.
   */
  maxRetries: number;
  /**
   * `securid:requestTimeoutSeconds` / `SECURID_REQUEST_TIMEOUT_SECONDS`: per attempt, the longest wait
   * for an answer's headers and between two chunks of its body (1 to 600, default 30). A timed-out
   * attempt is retried once (`DEFAULTS.retryLimitByErrorCode`), then fails with `ERR_TIMEOUT`.
   */
  requestTimeoutSeconds: number;
  /**
   * `securid:maxRequestsPerSecond` / `SECURID_MAX_REQUESTS_PER_SECOND`: a client-side cap on the
   * requests started per second (greater than 0, at most 10,000; default: no cap), like Okta's
   * `max_api_capacity`. Set it to leave part of the tenant's API capacity to other clients. Without it
   * the rate is unbounded until the first 429, after which it adapts (see `limiter.ts`); with it, the
   * adaptive rate never exceeds the cap.
   */
  maxRequestsPerSecond?: number;
  /**
   * `securid:minRetryDelayMs` / `SECURID_MIN_RETRY_DELAY_MS`: the shortest wait before retrying a 5xx, a
   * dropped connection or a repeated 429 (0 to 60,000 ms, default 250), like Okta's `min_wait_seconds`.
   * The wait is drawn uniformly between it and a ceiling that doubles per retry (full jitter; for a
   * repeated 429, in the upper half of that range); 0 retries at once.
   */
  minRetryDelayMs?: number;
  /**
   * `securid:maxRetryDelayMs` / `SECURID_MAX_RETRY_DELAY_MS`: the longest wait before a retry, a
   * `Retry-After` included (1 to 600,000 ms and at least `minRetryDelayMs`, default 20,000), like Okta's
   * `max_wait_seconds`.
   */
  maxRetryDelayMs?: number;
}

export type CasAuthSettings =
  | { kind: "legacy"; key: LegacyKey }
  | { kind: "oauth"; issuerUrl: string; clientId: string; key: OAuthKey; scopes: string[] };

/** Everything needed to build a CAS client. Holds key material: never serialize or print it. */
export interface CasSettings {
  /** Identifies the tenant and principal (base URL + access ID or client ID), without secrets: the registry key. */
  tenantKey: string;
  /** `https://<host>/AdminInterface/restapi`. */
  baseUrl: string;
  auth: CasAuthSettings;
  knobs: ClientKnobs;
  proxy: ProxySettings;
}

/** Everything needed to build a Nexus client. Holds credentials: never serialize or print it. */
export interface NexusSettings {
  tenantKey: string;
  baseUrl: string;
  auth: NexusAuth;
  knobs: ClientKnobs;
  proxy: ProxySettings;
}

/** A setting: its config key and environment variable. */
interface Setting {
  key: string;
  env: string;
}

/** A value and where it came from (`securid:apiKey` or `SECURID_API_KEY`), for messages. */
interface Found {
  value: string;
  from: string;
}

const S = (name: string, env: string): Setting => ({ key: `securid:${name}`, env });
const N = (name: string, env: string): Setting => ({ key: `nexus:${name}`, env });

/** The CAS credentials: all read from the config, or all from the environment. */
const CAS = {
  apiKeyFile: S("apiKeyFile", "SECURID_API_KEY_FILE"),
  apiKey: S("apiKey", "SECURID_API_KEY"),
  oauthIssuerUrl: S("oauthIssuerUrl", "SECURID_OAUTH_ISSUER_URL"),
  oauthClientId: S("oauthClientId", "SECURID_OAUTH_CLIENT_ID"),
  oauthPrivateKey: S("oauthPrivateKey", "SECURID_OAUTH_PRIVATE_KEY"),
  oauthPrivateKeyFile: S("oauthPrivateKeyFile", "SECURID_OAUTH_PRIVATE_KEY_FILE"),
};
const OAUTH_SCOPES = S("oauthScopes", "SECURID_OAUTH_SCOPES");
const ADMIN_REST_API_URL = S("adminRestApiUrl", "SECURID_ADMIN_REST_API_URL");

/** The Nexus credentials: all read from the config, or all from the environment. */
const NEXUS = {
  username: N("username", "NEXUS_USERNAME"),
  password: N("password", "NEXUS_PASSWORD"),
  bearerToken: N("bearerToken", "NEXUS_BEARER_TOKEN"),
  applicationToken: N("applicationToken", "NEXUS_APPLICATION_TOKEN"),
};
const NEXUS_BASE_URL = N("baseUrl", "NEXUS_BASE_URL");
const NEXUS_APPLICATION_TOKEN_HEADER = N("applicationTokenHeader", "NEXUS_APPLICATION_TOKEN_HEADER");

const KNOBS = [
  "maxConcurrency",
  "maxRetries",
  "requestTimeoutSeconds",
  "maxRequestsPerSecond",
  "minRetryDelayMs",
  "maxRetryDelayMs",
] as const;

const envName = (prefix: string, knob: string) =>
  `${prefix.toUpperCase()}_${knob.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

/** Reads settings: config first, then the environment; blank values count as unset. */
class Reader {
  constructor(
    private readonly lookup: ConfigLookup,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  config(s: Setting): Found | undefined {
    const value = this.lookup(s.key);
    return value !== undefined && value.trim() !== "" ? { value, from: s.key } : undefined;
  }

  environment(s: Setting): Found | undefined {
    const value = this.env[s.env];
    return value !== undefined && value.trim() !== "" ? { value, from: s.env } : undefined;
  }

  get(s: Setting): Found | undefined {
    return this.config(s) ?? this.environment(s);
  }

  /**
   * Credentials come from one place: the stack config when any of `settings` is set there, else the
   * environment. Mixing (a key file in the config, an OAuth client in the environment) would be ambiguous.
   */
  credentials<K extends string>(settings: Record<K, Setting>): Record<K, Found | undefined> {
    const fromConfig = Object.values<Setting>(settings).some((s) => this.config(s) !== undefined);
    const read = (s: Setting) => (fromConfig ? this.config(s) : this.environment(s));
    return Object.fromEntries(
      Object.entries<Setting>(settings).map(([name, s]) => [name, read(s)]),
    ) as Record<K, Found | undefined>;
  }

  knobs(prefix: string): ClientKnobs {
    const knobs: ClientKnobs = {
      maxConcurrency: DEFAULTS.maxConcurrency,
      maxRetries: DEFAULTS.maxRetries,
      requestTimeoutSeconds: DEFAULTS.requestTimeoutSeconds,
    };
    const found: Partial<Record<(typeof KNOBS)[number], Found>> = {};
    for (const name of KNOBS) {
      const value = this.get({ key: `${prefix}:${name}`, env: envName(prefix, name) });
      if (value) {
        found[name] = value;
        knobs[name] = parseKnob(name, value);
      }
    }
    const min = knobs.minRetryDelayMs ?? DEFAULTS.minRetryDelayMs;
    const max = knobs.maxRetryDelayMs ?? DEFAULTS.maxRetryDelayMs;
    if (min > max) {
      const what = (name: "minRetryDelayMs" | "maxRetryDelayMs", value: number) =>
        found[name] ? `${found[name].from} (${value})` : `the default ${name} (${value})`;
      throw new InvalidConfigError(
        `${what("minRetryDelayMs", min)} is greater than ${what("maxRetryDelayMs", max)}.`,
      );
    }
    return knobs;
  }
}

function parseKnob(name: (typeof KNOBS)[number], found: Found): number {
  const range = KNOB_RANGES[name];
  const text = found.value.trim();
  const value = /^[+]?(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : Number.NaN;
  const ok =
    Number.isFinite(value) &&
    value >= range.min &&
    value <= range.max &&
    (!range.integer || Number.isInteger(value));
  if (!ok) {
    const expected =
      name === "maxRequestsPerSecond"
        ? `a number greater than 0 (requests per second), at most ${range.max}`
        : `${range.integer ? "an integer" : "a number"} from ${range.min} to ${range.max}`;
    throw new InvalidConfigError(`${found.from} is "${shortValue(text)}": expected ${expected}.`);
  }
  return value;
}

function url(found: Found): string {
  requireApiUrl(found.value, found.from);
  return found.value.trim();
}

/**
 * Longer than any key file's path in practice (Windows paths stop at 260 characters; Linux's 4096 is
 * never approached by a key file's path), shorter than the smallest key that can be pasted by mistake:
 * a 2048-bit RSA key's base64 is about 1,600 characters.
 */
const MAX_KEY_PATH_CHARS = 1024;

/**
 * Why the value of a `*File` setting is key content rather than a path, or `undefined`: the easy CI
 * mistake is `SECURID_API_KEY_FILE: ${{ secrets.KEY }}`, which puts the key where its path belongs.
 */
function contentInsteadOfPath(value: string): string | undefined {
  if (value.includes("-----BEGIN")) return "a PEM block";
  if (value.includes("{")) return "a JSON object";
  if (/[\r\n]/.test(value.trim())) return "several lines";
  if (value.length > MAX_KEY_PATH_CHARS) return `${value.length} characters, longer than any file path`;
  return undefined;
}

/**
 * Reads the file a `*File` setting names. Its value is refused unread when it holds the key itself
 * (named, never shown), with the setting that takes content (`inline`) as the fix.
 */
async function readSecretFile(
  found: Found,
  what: string,
  inline: Setting,
): Promise<{ text: string; path: string }> {
  const content = contentInsteadOfPath(found.value);
  if (content !== undefined) {
    const fromConfig = found.from.includes(":");
    const fix = fromConfig
      ? `Put the key's content in ${inline.key} instead (\`pulumi config set --secret ${inline.key} "$(cat <file>)"\`) and remove ${found.from}, or set ${found.from} to the file's path.`
      : `Put the key's content in ${inline.env} instead (in a CI job: \`${inline.env}: \${{ secrets.<name> }}\`) and remove ${found.from}, or set ${found.from} to the file's path.`;
    throw new InvalidConfigError(
      `${found.from} must be the path of ${what}, but it holds what looks like the key itself (${content}); its value is not shown.`,
      { hint: fix },
    );
  }
  const path = found.value.trim().replace(/^~(?=$|[\\/])/, homedir());
  try {
    return { text: await readFile(path, "utf8"), path };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new InvalidConfigError(
      `Cannot read ${what} ${shortPath(path)} (${found.from}): ${typeof code === "string" ? code : "read error"}.`,
      {
        hint: `Check the path (relative paths start from the Pulumi program's directory) and that this user may read the file.`,
      },
    );
  }
}

const names = (settings: Setting[]) => settings.map((s) => `${s.key} (${s.env})`).join(", ");

const CAS_HOW_TO =
  "Set either a legacy Administration API key: `pulumi config set securid:apiKeyFile <path to the .key file>` " +
  'or `pulumi config set --secret securid:apiKey "$(cat <file>.key)"` (or SECURID_API_KEY_FILE / SECURID_API_KEY); ' +
  "or an OAuth API client: securid:oauthIssuerUrl, securid:oauthClientId, securid:oauthPrivateKey (--secret, the JWK) " +
  "or securid:oauthPrivateKeyFile, and securid:adminRestApiUrl (or SECURID_OAUTH_ISSUER_URL, SECURID_OAUTH_CLIENT_ID, " +
  "SECURID_OAUTH_PRIVATE_KEY / SECURID_OAUTH_PRIVATE_KEY_FILE, SECURID_ADMIN_REST_API_URL).";

/**
 * Resolves the CAS credentials and knobs from the stack config (`lookup`, namespaced keys) and the
 * environment (`env`); config wins. Exactly one authentication method must be set. Files are read here.
 */
export async function resolveCasSettings(lookup: ConfigLookup, env: NodeJS.ProcessEnv): Promise<CasSettings> {
  const reader = new Reader(lookup, env);
  const c = reader.credentials(CAS);
  const legacySet = [c.apiKeyFile, c.apiKey].filter((f): f is Found => f !== undefined);
  const oauthSet = [c.oauthIssuerUrl, c.oauthClientId, c.oauthPrivateKey, c.oauthPrivateKeyFile].filter(
    (f): f is Found => f !== undefined,
  );
  if (legacySet.length === 0 && oauthSet.length === 0) {
    throw new InvalidConfigError("No RSA SecurID credentials are configured.", { hint: CAS_HOW_TO });
  }
  if (legacySet.length > 0 && oauthSet.length > 0) {
    throw new InvalidConfigError(
      `Both a legacy API key (${legacySet.map((f) => f.from).join(", ")}) and an OAuth client (${oauthSet.map((f) => f.from).join(", ")}) are configured; set only one.`,
    );
  }
  const knobs = reader.knobs("securid");
  const proxy = proxySettingsFromEnv(env);
  const adminRestApiUrl = reader.get(ADMIN_REST_API_URL);
  const auth =
    legacySet.length > 0
      ? await legacyAuth(c)
      : await oauthAuth(c, adminRestApiUrl, reader.get(OAUTH_SCOPES));
  const baseUrl =
    auth.kind === "legacy" ? auth.key.baseUrl : normaliseAdminRestApiUrl(url(adminRestApiUrl as Found));
  if (auth.kind === "legacy" && adminRestApiUrl) {
    const configured = normaliseAdminRestApiUrl(url(adminRestApiUrl));
    if (configured !== baseUrl) {
      throw new InvalidConfigError(
        `${adminRestApiUrl.from} (${shortPath(configured)}) differs from the API key's adminRestApiUrl (${shortPath(baseUrl)}).`,
        { hint: `Remove ${adminRestApiUrl.from}: a legacy key names its tenant.` },
      );
    }
  }
  const principal =
    auth.kind === "legacy"
      ? `key:${auth.key.accessID}`
      : `oauth:${auth.clientId}@${normaliseBaseUrl(auth.issuerUrl)}`;
  return { tenantKey: `cas ${baseUrl} ${principal}`, baseUrl, auth, knobs, proxy };
}

async function legacyAuth(c: Record<keyof typeof CAS, Found | undefined>): Promise<CasAuthSettings> {
  if (c.apiKeyFile && c.apiKey) {
    throw new InvalidConfigError(`Both ${c.apiKeyFile.from} and ${c.apiKey.from} are set; set only one.`);
  }
  if (c.apiKeyFile) {
    const file = await readSecretFile(c.apiKeyFile, "the API key file", CAS.apiKey);
    return {
      kind: "legacy",
      key: parseLegacyKeyFile(file.text, `the API key file ${shortPath(file.path)} (${c.apiKeyFile.from})`),
    };
  }
  const inline = c.apiKey as Found;
  return { kind: "legacy", key: parseLegacyKeyFile(inline.value, `the API key in ${inline.from}`) };
}

async function oauthAuth(
  c: Record<keyof typeof CAS, Found | undefined>,
  adminRestApiUrl: Found | undefined,
  scopesFound: Found | undefined,
): Promise<CasAuthSettings> {
  const missing: Setting[] = [];
  if (!c.oauthIssuerUrl) missing.push(CAS.oauthIssuerUrl);
  if (!c.oauthClientId) missing.push(CAS.oauthClientId);
  if (!c.oauthPrivateKey && !c.oauthPrivateKeyFile) missing.push(CAS.oauthPrivateKey);
  if (!adminRestApiUrl) missing.push(ADMIN_REST_API_URL);
  if (missing.length > 0) {
    throw new InvalidConfigError(
      `The OAuth API client is incompletely configured: missing ${names(missing)}.`,
      {
        hint: "securid:oauthPrivateKeyFile (SECURID_OAUTH_PRIVATE_KEY_FILE) may replace securid:oauthPrivateKey; the Administration API REST URL is shown with the client in the Cloud Administration Console.",
      },
    );
  }
  if (c.oauthPrivateKey && c.oauthPrivateKeyFile) {
    throw new InvalidConfigError(
      `Both ${c.oauthPrivateKey.from} and ${c.oauthPrivateKeyFile.from} are set; set only one.`,
    );
  }
  let key: OAuthKey;
  if (c.oauthPrivateKeyFile) {
    const file = await readSecretFile(
      c.oauthPrivateKeyFile,
      "the OAuth private key file",
      CAS.oauthPrivateKey,
    );
    key = parseOAuthJwk(
      file.text,
      `the OAuth private key file ${shortPath(file.path)} (${c.oauthPrivateKeyFile.from})`,
    );
  } else {
    const inline = c.oauthPrivateKey as Found;
    key = parseOAuthJwk(inline.value, `the OAuth private key in ${inline.from}`);
  }
  const scopes = (scopesFound?.value ?? DEFAULTS.defaultOAuthScopes).split(/[\s,]+/).filter((s) => s !== "");
  return {
    kind: "oauth",
    issuerUrl: url(c.oauthIssuerUrl as Found),
    clientId: (c.oauthClientId as Found).value.trim(),
    key,
    scopes,
  };
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const NEXUS_HOW_TO =
  "Set nexus:username and nexus:password (--secret) (or NEXUS_USERNAME, NEXUS_PASSWORD), or nexus:bearerToken and " +
  "nexus:applicationToken (--secret), optionally nexus:applicationTokenHeader (default ApplicationToken) " +
  "(or NEXUS_BEARER_TOKEN, NEXUS_APPLICATION_TOKEN, NEXUS_APPLICATION_TOKEN_HEADER).";

/** Resolves the Nexus base URL, credentials and knobs (`nexus:*` config, then `NEXUS_*` variables). */
export async function resolveNexusSettings(
  lookup: ConfigLookup,
  env: NodeJS.ProcessEnv,
): Promise<NexusSettings> {
  const reader = new Reader(lookup, env);
  const base = reader.get(NEXUS_BASE_URL);
  if (!base) {
    throw new InvalidConfigError(`The Nexus base URL is not configured: set ${names([NEXUS_BASE_URL])}.`, {
      hint: "It is specific to each customer; there is no default.",
    });
  }
  const baseUrl = normaliseBaseUrl(url(base));
  const c = reader.credentials(NEXUS);
  const basicSet = [c.username, c.password].filter((f): f is Found => f !== undefined);
  const bearerSet = [c.bearerToken, c.applicationToken].filter((f): f is Found => f !== undefined);
  if (basicSet.length === 0 && bearerSet.length === 0) {
    throw new InvalidConfigError("No Nexus credentials are configured.", { hint: NEXUS_HOW_TO });
  }
  if (basicSet.length > 0 && bearerSet.length > 0) {
    throw new InvalidConfigError(
      `Both HTTP Basic (${basicSet.map((f) => f.from).join(", ")}) and bearer (${bearerSet.map((f) => f.from).join(", ")}) Nexus credentials are configured; set only one kind.`,
    );
  }
  let auth: NexusAuth;
  if (basicSet.length > 0) {
    const missing = [c.username ? undefined : NEXUS.username, c.password ? undefined : NEXUS.password].filter(
      (s): s is Setting => s !== undefined,
    );
    if (missing.length > 0)
      throw new InvalidConfigError(`Nexus HTTP Basic credentials are incomplete: missing ${names(missing)}.`);
    auth = { kind: "basic", username: (c.username as Found).value, password: (c.password as Found).value };
  } else {
    const missing = [
      c.bearerToken ? undefined : NEXUS.bearerToken,
      c.applicationToken ? undefined : NEXUS.applicationToken,
    ].filter((s): s is Setting => s !== undefined);
    if (missing.length > 0)
      throw new InvalidConfigError(`Nexus bearer credentials are incomplete: missing ${names(missing)}.`);
    const headerFound = reader.get(NEXUS_APPLICATION_TOKEN_HEADER);
    const header = headerFound?.value.trim() ?? DEFAULTS.nexusApplicationTokenHeader;
    if (!HEADER_NAME.test(header) || header.toLowerCase() === "authorization") {
      throw new InvalidConfigError(
        `${headerFound?.from ?? NEXUS_APPLICATION_TOKEN_HEADER.key} is "${shortValue(header)}": expected an HTTP header name other than Authorization.`,
      );
    }
    auth = {
      kind: "bearer",
      bearerToken: (c.bearerToken as Found).value.trim(),
      applicationToken: (c.applicationToken as Found).value.trim(),
      applicationTokenHeader: header,
    };
  }
  return {
    tenantKey: `nexus ${baseUrl} ${nexusPrincipal(auth)}`,
    baseUrl,
    auth,
    knobs: reader.knobs("nexus"),
    proxy: proxySettingsFromEnv(env),
  };
}
