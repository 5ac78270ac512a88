/**
 * The OAuth token endpoint `POST /oauth/token`: client credentials with a private_key_jwt client
 * assertion (RFC 7523), answering an opaque access token.
 */
import { compactVerify, decodeJwt, decodeProtectedHeader } from "jose";
import { CLOCK_SKEW_S, SCOPES } from "./auth";
import { oauthError } from "./bodies";
import { header, isRecord, json, type Reply, type RequestContext, type Route } from "./http";
import type { EmulatorState } from "./state";

export const OAUTH_BASE_PATH = "/oauth";
export const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/** The furthest in the future a client assertion's `exp` may be. */
export const MAX_ASSERTION_LIFETIME_S = 600;

type Check = { ok: true; clientId: string; jti: string } | { ok: false; reply: Reply };

function invalidClient(description: string): Check {
  return { ok: false, reply: oauthError(401, "invalid_client", description) };
}

async function verifyAssertion(state: EmulatorState, assertion: string): Promise<Check> {
  let kid: unknown;
  let alg: unknown;
  let unverified: Record<string, unknown>;
  try {
    ({ kid, alg } = decodeProtectedHeader(assertion));
    unverified = decodeJwt(assertion);
  } catch {
    return invalidClient("The client assertion is not a JWT");
  }
  const clientId = unverified.iss;
  const client = typeof clientId === "string" ? state.oauthClients.get(clientId) : undefined;
  if (!client) return invalidClient("Unknown client (iss)");
  if (kid !== client.kid) return invalidClient("Unknown key id (kid)");
  if (alg !== client.alg) return invalidClient(`The client assertion must be signed with ${client.alg}`);
  let claims: unknown;
  try {
    const { payload } = await compactVerify(assertion, client.publicKey, { algorithms: [client.alg] });
    claims = JSON.parse(new TextDecoder().decode(payload));
  } catch {
    return invalidClient("Invalid client assertion signature");
  }
  if (!isRecord(claims)) return invalidClient("Invalid client assertion claims");
  if (claims.sub !== client.clientId) return invalidClient("iss and sub must both be the client id");
  const aud = claims.aud;
  if (!(aud === state.tokenUrl || (Array.isArray(aud) && aud.includes(state.tokenUrl)))) {
    return invalidClient("Invalid audience (aud): it must be the token endpoint URL");
  }
  const now = state.clock() / 1000;
  if (typeof claims.exp !== "number") return invalidClient("exp is required");
  if (claims.exp <= now - CLOCK_SKEW_S) return invalidClient("The client assertion has expired");
  if (claims.exp > now + MAX_ASSERTION_LIFETIME_S + CLOCK_SKEW_S) {
    return invalidClient("The client assertion expires too far in the future");
  }
  if (claims.iat !== undefined && (typeof claims.iat !== "number" || claims.iat > now + CLOCK_SKEW_S)) {
    return invalidClient("Invalid iat");
  }
  if (typeof claims.jti !== "string" || claims.jti === "") return invalidClient("jti is required");
  return { ok: true, clientId: client.clientId, jti: claims.jti };
}

async function token(state: EmulatorState, ctx: RequestContext): Promise<Reply> {
  const type = header(ctx.headers, "content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    return oauthError(400, "invalid_request", "The body must be application/x-www-form-urlencoded");
  }
  const form = new URLSearchParams(ctx.body.toString("utf8"));
  if (form.get("grant_type") !== "client_credentials") {
    return oauthError(400, "unsupported_grant_type", "Only client_credentials is supported");
  }
  const assertion = form.get("client_assertion");
  if (form.get("client_assertion_type") !== JWT_BEARER || !assertion) {
    return oauthError(
      401,
      "invalid_client",
      `client_assertion with client_assertion_type ${JWT_BEARER} is required`,
    );
  }
  const check = await verifyAssertion(state, assertion);
  if (!check.ok) return check.reply;
  const requested = (form.get("scope") ?? "").split(/\s+/).filter(Boolean);
  const unknown = requested.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0) return oauthError(400, "invalid_scope", `Unknown scope: ${unknown.join(" ")}`);
  const replayKey = `${check.clientId} ${check.jti}`;
  if (state.usedJtis.has(replayKey))
    return oauthError(400, "invalid_grant", "The client assertion was replayed (jti)");
  state.usedJtis.add(replayKey);
  const scopes = requested.length > 0 ? [...new Set(requested)] : [...SCOPES];
  const issued = state.tokens.issue(
    check.clientId,
    new Set(scopes),
    state.clock() + state.tokenLifetimeSeconds * 1000,
  );
  state.log.tokenIssued();
  ctx.note.tokenId = issued.id;
  const reply = json(200, {
    access_token: issued.token,
    token_type: "Bearer",
    expires_in: state.tokenLifetimeSeconds,
    scope: scopes.join(" "),
  });
  reply.headers = { ...reply.headers, "cache-control": "no-store", pragma: "no-cache" };
  return reply;
}

/** The OAuth route of a raw path under {@link OAUTH_BASE_PATH}. */
export function matchOAuthRoute(state: EmulatorState, method: string, parts: string[]): Route {
  if (parts.length === 3 && parts[2] === "token") {
    if (method === "POST")
      return { api: "oauth", operation: "token", write: false, handle: (ctx) => token(state, ctx) };
    return {
      api: "oauth",
      operation: "unknown",
      write: false,
      handle: () => {
        const reply = json(405, { error: "invalid_request", error_description: "Use POST" });
        return { ...reply, headers: { ...reply.headers, allow: "POST" } };
      },
    };
  }
  return {
    api: "oauth",
    operation: "unknown",
    write: false,
    handle: () => json(404, { error: "not_found" }),
  };
}
