/** A minimal client of the emulator for the tests: plain fetch and jose, as a real client would. */
import { createPrivateKey, randomUUID, type KeyObject } from "node:crypto";
import { SignJWT, importJWK } from "jose";
import type { Emulator, OAuthClientInfo } from "../../src/emulator";

export const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

export function legacyKey(emulator: Emulator): KeyObject {
  return createPrivateKey(emulator.keyFile.accessKey);
}

export interface LegacyClaims {
  sub?: string;
  aud?: string;
  iat?: number;
  exp?: number;
}

/** A legacy Administration API JWT, valid unless overridden. */
export async function legacyJwt(
  emulator: Emulator,
  claims: LegacyClaims = {},
  options: { key?: KeyObject; header?: Record<string, unknown>; nowS?: number } = {},
): Promise<string> {
  const now = options.nowS ?? Math.floor(Date.now() / 1000);
  return new SignJWT({
    sub: emulator.keyFile.accessID,
    aud: emulator.keyFile.adminRestApiUrl,
    iat: now,
    exp: now + 3600,
    ...claims,
  })
    .setProtectedHeader({ alg: "RS256", typ: "JWT", ...options.header })
    .sign(options.key ?? legacyKey(emulator));
}

export interface AssertionClaims {
  iss?: string;
  sub?: string;
  aud?: string;
  jti?: string;
  iat?: number;
  exp?: number;
}

/** A private_key_jwt client assertion, valid unless overridden. */
export async function clientAssertion(
  client: OAuthClientInfo,
  claims: AssertionClaims = {},
  nowS = Math.floor(Date.now() / 1000),
): Promise<string> {
  const key = await importJWK(client.privateJwk, client.privateJwk.alg);
  return new SignJWT({
    iss: client.clientId,
    sub: client.clientId,
    aud: `${client.issuerUrl}/token`,
    jti: randomUUID(),
    iat: nowS,
    exp: nowS + 300,
    ...claims,
  })
    .setProtectedHeader({ alg: client.privateJwk.alg, kid: client.privateJwk.kid })
    .sign(key);
}

export function tokenRequest(client: OAuthClientInfo, assertion: string, scope?: string): Promise<Response> {
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_assertion_type: JWT_BEARER,
    client_assertion: assertion,
  });
  if (scope !== undefined) form.set("scope", scope);
  return fetch(`${client.issuerUrl}/token`, { method: "POST", body: form });
}

/** An access token for `scope` (all scopes when undefined). */
export async function accessToken(client: OAuthClientInfo, scope?: string, nowS?: number): Promise<string> {
  const res = await tokenRequest(client, await clientAssertion(client, {}, nowS), scope);
  if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export interface CallOptions {
  method?: string;
  token?: string;
  body?: unknown;
  /** Raw body text; wins over `body`. */
  raw?: string;
  contentType?: string | null;
  headers?: Record<string, string>;
}

/** A CAS call: `path` is relative to `<base>/v1/users/`. */
export function cas(emulator: Emulator, path: string, options: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: "application/json", ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const contentType = options.contentType === undefined ? "application/json" : options.contentType;
  if (body !== undefined && contentType !== null) headers["content-type"] = contentType;
  return fetch(`${emulator.url}v1/users/${path}`, { method: options.method ?? "POST", headers, body });
}

export async function jsonOf(res: Response): Promise<any> {
  return JSON.parse(await res.text());
}
