import { randomUUID } from "node:crypto";
import { importJWK, SignJWT, type CryptoKey, type JWK } from "jose";
import type { Dispatcher } from "undici";
import { z } from "zod";
import {
  AuthFailedError,
  ConnectionError,
  InvalidKeyError,
  InvalidResponseError,
  SecurIdError,
  ServerError,
  TimeoutError,
} from "../../errors";
import { DEFAULTS } from "../defaults";
import { emit, type EventSink } from "../events";
import { describeBody, oauthErrorHint, parseErrorBody } from "../http-errors";
import {
  countFailure,
  decideRetry,
  defaultRetryPolicyOptions,
  type RetryCounts,
  type RetryPolicyOptions,
} from "../retry-policy";
import { parseKeyObject } from "../key-file";
import { cryptoReason, shortValue } from "../redact";
import { displayUrl, requireApiUrl } from "../url";
import { CachedTokenSource, type MintedToken } from "./token-cache";

/** A private JWK usable for the client assertion, with its signing algorithm. */
export interface OAuthKey {
  jwk: JWK;
  kid: string;
  alg: "RS256" | "ES256" | "ES384" | "ES512";
}

const EC_ALGS = { "P-256": "ES256", "P-384": "ES384", "P-521": "ES512" } as const;

const jwkSchema = z.discriminatedUnion("kty", [
  z.object({
    kty: z.literal("RSA"),
    kid: z.string().min(1),
    n: z.string().min(1),
    e: z.string().min(1),
    d: z.string().min(1),
  }),
  z.object({
    kty: z.literal("EC"),
    kid: z.string().min(1),
    crv: z.enum(["P-256", "P-384", "P-521"]),
    x: z.string().min(1),
    y: z.string().min(1),
    d: z.string().min(1),
  }),
]);

/**
 * Reads the OAuth client's private JWK (JSON text or object): RSA → RS256, EC P-256/P-384/P-521 →
 * ES256/ES384/ES512; `kid` is required. Messages never contain the key.
 */
export function parseOAuthJwk(input: string | object, source = "the OAuth private key"): OAuthKey {
  const raw = parseKeyObject(input, source, "the private key (JWK) the console gave for the API client");
  if (Array.isArray(raw.keys)) {
    throw new InvalidKeyError(`${source} is a key set (JWKS); give the single private key (JWK) instead.`);
  }
  if (raw.kty !== "RSA" && raw.kty !== "EC") {
    throw new InvalidKeyError(
      `${source} has kty ${typeof raw.kty === "string" ? shortValue(raw.kty) : "(missing)"}; expected RSA or EC.`,
    );
  }
  const parsed = jwkSchema.safeParse(raw);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join(".")))];
    const privateMissing = fields.includes("d");
    throw new InvalidKeyError(
      privateMissing
        ? `${source} is a public key (no "d"); the client assertion needs the private key.`
        : `${source} cannot be used: missing or invalid ${fields.join(", ")}.`,
    );
  }
  const key = parsed.data;
  if (key.kty === "RSA") {
    const bits = modulusBits(key.n);
    if (bits < DEFAULTS.minRsaKeyBits) {
      throw new InvalidKeyError(
        `${source} is a ${bits}-bit RSA key; RS256 client assertions need at least ${DEFAULTS.minRsaKeyBits} bits.`,
        {
          hint: "Generate a new key for the API client in the Cloud Administration Console and use its JWK.",
        },
      );
    }
  }
  const alg = key.kty === "RSA" ? "RS256" : EC_ALGS[key.crv];
  return { jwk: raw as JWK, kid: key.kid, alg };
}

/** The size in bits of an RSA modulus given as base64url (a JWK's `n`). */
function modulusBits(n: string): number {
  const bytes = Buffer.from(n, "base64url");
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i += 1;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + bytes[i]!.toString(2).length;
}

/** Why the API may refuse an OAuth access token, for `AuthFailedError`. */
export function oauthRefusedHint(
  client: { clientId: string; baseUrl: string },
  scopes: readonly string[],
): string {
  const host = new URL(client.baseUrl).host;
  const needed =
    scopes.length > 0 ? `, that it has the scope ${scopes.join(" or ")} (this call needs it)` : "";
  return (
    `Check in the Cloud Administration Console that the API client ${client.clientId} is enabled${needed}, ` +
    `and that it belongs to the tenant ${host} (securid:adminRestApiUrl).`
  );
}

const tokenAnswerSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().refine((t) => t.toLowerCase() === "bearer", "expected Bearer"),
  expires_in: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).pipe(z.number().positive()),
});

export interface OAuthTokenSourceOptions {
  /** e.g. `https://<tenant>.auth.securid.com/oauth`; the token endpoint is `<issuerUrl>/token`. */
  issuerUrl: string;
  clientId: string;
  /** The JWK (JSON text, object, or {@link parseOAuthJwk}'s result). */
  privateJwk: string | object | OAuthKey;
  /** Space-separated or a list. Default {@link DEFAULTS.defaultOAuthScopes}. */
  scopes?: string | readonly string[];
  /** Connection layer (proxy, timeouts); the token call retries by itself, signing a fresh assertion per attempt. */
  dispatcher: Dispatcher;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  maxRetries?: number;
  /** Backoff bounds of the token call's retries. Defaults {@link DEFAULTS.minRetryDelayMs}, {@link DEFAULTS.maxRetryDelayMs}. */
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  renewBeforeExpirySeconds?: number;
  userAgent?: string;
  onEvent?: EventSink;
}

function isOAuthKey(value: object): value is OAuthKey {
  return "jwk" in value && "alg" in value && "kid" in value;
}

const OAUTH_KEY_HINT =
  "Generate a new key for the API client in the Cloud Administration Console and set it in securid:oauthPrivateKey.";

const timerSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * OAuth client credentials with a `private_key_jwt` assertion: `POST <issuer>/token`, the access token
 * cached until `expires_in − renewBefore` (80 % of the lifetime for short ones).
 */
export class OAuthTokenSource extends CachedTokenSource {
  readonly kind = "oauth" as const;
  readonly scopes: readonly string[];
  readonly tokenUrl: string;
  private readonly key: OAuthKey;
  private signingKey: Promise<CryptoKey | Uint8Array> | undefined;
  private readonly now: () => number;
  private readonly policy: RetryPolicyOptions;

  constructor(private readonly options: OAuthTokenSourceOptions) {
    super(options.now ?? Date.now);
    // The client assertion and the access token must not cross the network in clear.
    requireApiUrl(options.issuerUrl, "OAuthTokenSourceOptions.issuerUrl");
    this.key =
      typeof options.privateJwk === "object" && isOAuthKey(options.privateJwk)
        ? options.privateJwk
        : parseOAuthJwk(options.privateJwk);
    const scopes = options.scopes ?? DEFAULTS.defaultOAuthScopes;
    this.scopes = (typeof scopes === "string" ? scopes.split(/\s+/) : [...scopes]).filter((s) => s !== "");
    this.tokenUrl = `${options.issuerUrl.trim().replace(/\/+$/, "")}/token`;
    this.now = options.now ?? Date.now;
    this.policy = defaultRetryPolicyOptions({
      now: this.now,
      sleep: options.sleep ?? timerSleep,
      ...(options.random !== undefined && { random: options.random }),
      ...(options.maxRetries !== undefined && { maxRetries: options.maxRetries }),
      ...(options.minRetryDelayMs !== undefined && { minRetryDelayMs: options.minRetryDelayMs }),
      ...(options.maxRetryDelayMs !== undefined && { maxRetryDelayMs: options.maxRetryDelayMs }),
    });
  }

  /** A fresh client assertion (unique `jti`): one per token request attempt. */
  async clientAssertion(): Promise<string> {
    const kid = shortValue(this.key.kid);
    this.signingKey ??= importJWK(this.key.jwk, this.key.alg).catch((err: unknown) => {
      this.signingKey = undefined;
      throw new InvalidKeyError(
        `The OAuth private key (kid ${kid}) cannot be imported (${cryptoReason(err)}).`,
        { hint: OAUTH_KEY_HINT },
      );
    });
    const signingKey = await this.signingKey;
    const iat = Math.floor(this.now() / 1000);
    try {
      return await new SignJWT({})
        .setProtectedHeader({ alg: this.key.alg, kid: this.key.kid, typ: "JWT" })
        .setIssuer(this.options.clientId)
        .setSubject(this.options.clientId)
        .setAudience(this.tokenUrl)
        .setJti(randomUUID())
        .setIssuedAt(iat)
        .setExpirationTime(iat + DEFAULTS.oauthAssertionLifetimeSeconds)
        .sign(signingKey);
    } catch (err) {
      // A key the library cannot sign with is a key problem, never a connection problem.
      throw new InvalidKeyError(
        `The OAuth private key (kid ${kid}) cannot sign the client assertion (${cryptoReason(err)}).`,
        { hint: OAUTH_KEY_HINT },
      );
    }
  }

  protected async mintToken(): Promise<MintedToken> {
    const url = new URL(this.tokenUrl);
    const operation = `get an OAuth access token from ${displayUrl(this.tokenUrl)}`;
    const counts: RetryCounts = { failures: 0, throttled: 0 };
    const attempts = () => counts.failures + counts.throttled;
    for (;;) {
      const form = new URLSearchParams({
        grant_type: "client_credentials",
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion: await this.clientAssertion(),
        scope: this.scopes.join(" "),
      });
      let answer: { status: number; headers: Record<string, string | string[] | undefined>; text: string };
      try {
        // The whole answer is read inside the attempt: a cut answer is a failed attempt, retried whole.
        const res = await this.options.dispatcher.request({
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: "POST",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            accept: "application/json",
            "user-agent": this.options.userAgent ?? "pulumi-securid",
          },
          body: form.toString(),
        });
        answer = { status: res.statusCode, headers: res.headers, text: await res.body.text() };
      } catch (err) {
        const failed = err as { code?: unknown };
        const retry = decideRetry(failed, "POST", counts, this.policy);
        countFailure(counts, failed);
        if (retry) {
          await this.policy.sleep(retry.delayMs);
          continue;
        }
        throw this.connectionError(err, operation, attempts());
      }
      if (answer.status >= 200 && answer.status < 300)
        return this.accept(answer.text, answer.headers, operation);
      const failed = { statusCode: answer.status, headers: answer.headers };
      const retry = decideRetry(failed, "POST", counts, this.policy);
      countFailure(counts, failed);
      if (retry) {
        await this.policy.sleep(retry.delayMs);
        continue;
      }
      throw this.refusal(answer.status, answer.text, answer.headers, operation, attempts());
    }
  }

  private accept(text: string, headers: Record<string, string | string[] | undefined>, operation: string) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw new InvalidResponseError(
        `Cannot ${operation}: the issuer answered ${describeBody(text, contentType(headers))} instead of JSON.`,
        { hint: "Check securid:oauthIssuerUrl and any proxy on the way." },
      );
    }
    const parsed = tokenAnswerSchema.safeParse(data);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      throw new InvalidResponseError(
        `Cannot ${operation}: the issuer's answer is not a bearer token answer (${fields}).`,
      );
    }
    const obtainedAt = this.now();
    const lifetime = parsed.data.expires_in;
    const renewBefore = this.options.renewBeforeExpirySeconds ?? DEFAULTS.renewBeforeExpirySeconds;
    const useFor = Math.max(lifetime - renewBefore, lifetime * 0.8);
    emit(this.options.onEvent, { type: "token", kind: "oauth", mintedCount: this.mintedCount + 1 });
    return { token: parsed.data.access_token, renewAtMs: obtainedAt + useFor * 1000 };
  }

  private refusal(
    status: number,
    text: string,
    headers: Record<string, string | string[] | undefined>,
    operation: string,
    attempts: number,
  ): SecurIdError {
    const body = parseErrorBody(text, contentType(headers));
    const apiMessage = body.apiMessage !== undefined ? { apiMessage: body.apiMessage } : {};
    const said = body.apiCode
      ? ` (${body.apiCode}${body.apiMessage && body.apiMessage !== body.apiCode ? `: ${body.apiMessage}` : ""})`
      : body.apiMessage
        ? ` (${body.apiMessage})`
        : body.json
          ? ""
          : ` with ${body.kind}`;
    const after = attempts > 1 ? ` after ${attempts} attempts` : "";
    if (status >= 500 || status === 429) {
      return new ServerError(`Cannot ${operation}: the issuer answered ${status}${said}${after}.`, {
        status,
        ...apiMessage,
        hint: "The OAuth issuer is failing; try again later.",
      });
    }
    return new AuthFailedError(`Cannot ${operation}: the issuer answered ${status}${said}.`, {
      status,
      ...apiMessage,
      hint: oauthErrorHint(body.apiCode, this.options.clientId, this.scopes),
    });
  }

  private connectionError(err: unknown, operation: string, attempts: number): SecurIdError {
    if (err instanceof SecurIdError) return err;
    const code = (err as { code?: unknown } | null)?.code;
    const after = attempts > 1 ? ` after ${attempts} attempts` : "";
    if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
      return new TimeoutError(`Cannot ${operation}: the issuer did not answer in time${after}.`, {
        cause: err,
      });
    }
    return new ConnectionError(
      `Cannot ${operation}: cannot reach the OAuth issuer ${displayUrl(this.options.issuerUrl)} (${typeof code === "string" ? code : "unknown error"})${after}.`,
      {
        cause: err,
        hint: "Check securid:oauthIssuerUrl, the network, DNS, firewall and proxy settings (HTTPS_PROXY, NO_PROXY).",
      },
    );
  }
}

function contentType(headers: Record<string, string | string[] | undefined>): string | undefined {
  const value = headers["content-type"];
  return Array.isArray(value) ? value[0] : value;
}
