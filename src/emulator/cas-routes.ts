/**
 * The CAS Administration API user calls under `/AdminInterface/restapi/v1/users/`: lookup, search,
 * set status and synchronize. Spring order: authentication, then media type, then body, then the user.
 */
import { hasScope } from "./auth";
import { casError, springError } from "./bodies";
import {
  isJsonContentType,
  isRecord,
  json,
  parseJson,
  type Reply,
  type RequestContext,
  type Route,
} from "./http";
import type { EmulatorState } from "./state";
import { syncFromDirectory, toApiUser } from "./store";
import type { Operation } from "./types";

export const CAS_BASE_PATH = "/AdminInterface/restapi";
export const MAX_PAGE_SIZE = 25;

/** Scopes an OAuth access token needs, any one of them. */
const REQUIRED_SCOPES: Record<string, readonly string[]> = {
  lookup: ["rsa.user.read"],
  search: ["rsa.user.read"],
  setStatus: ["rsa.user.manage"],
  sync: ["rsa.user.sync", "rsa.user.manage"],
};

/** Authentication and scope; a reply when refused. */
async function guard(
  state: EmulatorState,
  ctx: RequestContext,
  operation: Operation,
): Promise<Reply | undefined> {
  const auth = await state.cas.authenticate(ctx.headers);
  if (auth.tokenId) ctx.note.tokenId = auth.tokenId;
  if (!auth.ok) return springError(auth.status, auth.message, ctx.path, state.clock());
  const scopes = REQUIRED_SCOPES[operation] ?? [];
  if (!hasScope(auth, scopes)) {
    return springError(
      403,
      `Access Denied: the access token lacks the scope ${scopes.join(" or ")}`,
      ctx.path,
      state.clock(),
    );
  }
  return undefined;
}

type Body = { ok: true; body: Record<string, unknown> } | { ok: false; reply: Reply };

/** The JSON object body, or the 415/400 reply. */
function jsonBody(ctx: RequestContext): Body {
  if (!isJsonContentType(ctx.headers)) {
    return {
      ok: false,
      reply: casError(415, `Content type '${ctx.headers["content-type"] ?? ""}' not supported`),
    };
  }
  const parsed = parseJson(ctx.body);
  if (!parsed.ok || !isRecord(parsed.value))
    return { ok: false, reply: casError(400, "Malformed JSON request body") };
  return { ok: true, body: parsed.value };
}

function lookup(state: EmulatorState, ctx: RequestContext): Reply {
  const read = jsonBody(ctx);
  if (!read.ok) return read.reply;
  const { email, searchUnsynched } = read.body;
  if (typeof email !== "string" || email.trim() === "")
    return casError(400, "User email address is required");
  ctx.note.email = email;
  let unsynched: boolean;
  if (searchUnsynched === undefined || searchUnsynched === null) unsynched = false;
  else if (typeof searchUnsynched === "boolean") unsynched = searchUnsynched;
  else if (typeof searchUnsynched === "string" && /^(true|false)$/i.test(searchUnsynched)) {
    unsynched = searchUnsynched.toLowerCase() === "true";
  } else return casError(400, "searchUnsynched must be true or false");
  const user = state.users.findByEmail(email);
  if (!user || (!user.synchronized && !unsynched)) return casError(404, `User ${email} not found`);
  ctx.note.userId = user.id;
  if (!user.synchronized) {
    user.synchronized = true;
    user.lastSyncTime = new Date(state.clock()).toISOString();
  }
  return json(200, toApiUser(user, state.pendingDeletionStyle));
}

function search(state: EmulatorState, ctx: RequestContext): Reply {
  const rawPageSize = ctx.query.get("pageSize");
  const pageSize =
    rawPageSize === null ? MAX_PAGE_SIZE : /^\d{1,3}$/.test(rawPageSize) ? Number(rawPageSize) : NaN;
  if (!(pageSize >= 1 && pageSize <= MAX_PAGE_SIZE)) {
    return casError(400, `pageSize must be between 1 and ${MAX_PAGE_SIZE}`);
  }
  const read = jsonBody(ctx);
  if (!read.ok) return read.reply;
  const { emailLike } = read.body;
  if (typeof emailLike !== "string" || emailLike.trim() === "") return casError(400, "emailLike is required");
  const needle = emailLike.toLowerCase();
  const key = (email: string) => email.toLowerCase();
  const matches = state.users
    .list()
    .filter((u) => u.synchronized && key(u.emailAddress).includes(needle))
    .sort((a, b) => {
      const exact = Number(key(b.emailAddress) === needle) - Number(key(a.emailAddress) === needle);
      if (exact !== 0) return exact;
      return key(a.emailAddress) < key(b.emailAddress)
        ? -1
        : key(a.emailAddress) > key(b.emailAddress)
          ? 1
          : 0;
    })
    .slice(0, pageSize);
  // No match: 200 with an empty body, not `[]`.
  if (matches.length === 0) return { status: 200 };
  return json(
    200,
    matches.map((u) => toApiUser(u, state.pendingDeletionStyle)),
  );
}

function setStatus(state: EmulatorState, ctx: RequestContext, id: string): Reply {
  const read = jsonBody(ctx);
  if (!read.ok) return read.reply;
  const body = read.body;
  const extra = Object.keys(body).filter((k) => k !== "userStatus");
  if (extra.length > 0) return casError(400, `Unrecognized field "${extra[0]}": only userStatus is allowed`);
  const wanted = body.userStatus;
  if (wanted !== "Enabled" && wanted !== "Disabled") {
    return casError(400, "userStatus is required and must be Enabled or Disabled");
  }
  ctx.note.userId = id;
  const user = state.users.findById(id);
  if (!user) return casError(404, `User ${id} not found`);
  ctx.note.email = user.emailAddress;
  if (wanted === "Enabled" && user.markDeleted) {
    return casError(409, `Cannot enable user ${user.emailAddress}: the user is pending deletion`);
  }
  if (wanted === "Enabled" && user.disabledBySync && user.userStatus === "Disabled") {
    return casError(
      409,
      `Cannot enable user ${user.emailAddress}: the user was disabled by synchronization with the identity source`,
    );
  }
  user.userStatus = wanted;
  return json(200, { id: user.id, userStatus: user.userStatus });
}

function sync(state: EmulatorState, ctx: RequestContext, id: string): Reply {
  if (ctx.body.length > 0) return casError(400, "The request body must be empty");
  ctx.note.userId = id;
  const user = state.users.findById(id);
  if (!user) return casError(404, `User ${id} not found`);
  ctx.note.email = user.emailAddress;
  syncFromDirectory(user, state.clock());
  return json(200, toApiUser(user, state.pendingDeletionStyle));
}

function route(
  state: EmulatorState,
  method: string,
  expected: string,
  operation: Operation,
  run: (ctx: RequestContext) => Reply,
): Route {
  const write = operation === "setStatus" || operation === "sync";
  if (method !== expected) {
    return {
      api: "cas",
      operation: "unknown",
      write: false,
      handle: () => casError(405, `Request method '${method}' not supported`, { allow: expected }),
    };
  }
  return {
    api: "cas",
    operation,
    write,
    handle: async (ctx) => (await guard(state, ctx, operation)) ?? run(ctx),
  };
}

/** The CAS route of a raw path under {@link CAS_BASE_PATH}, or a 404 route. */
export function matchCasRoute(state: EmulatorState, method: string, path: string, parts: string[]): Route {
  // parts: ["", "AdminInterface", "restapi", "v1", "users", ...]
  const rest = parts.slice(3);
  if (rest[0] === "v1" && rest[1] === "users") {
    if (rest.length === 3 && rest[2] === "lookup")
      return route(state, method, "POST", "lookup", (c) => lookup(state, c));
    if (rest.length === 3 && rest[2] === "search")
      return route(state, method, "POST", "search", (c) => search(state, c));
    if (rest.length === 4 && rest[3] === "userStatus") {
      return route(state, method, "PUT", "setStatus", (c) => setStatus(state, c, rest[2]!));
    }
    if (rest.length === 4 && rest[3] === "sync")
      return route(state, method, "POST", "sync", (c) => sync(state, c, rest[2]!));
  }
  return notFound(path);
}

export function notFound(path: string): Route {
  return {
    api: "cas",
    operation: "unknown",
    write: false,
    handle: () => casError(404, `No handler found for ${path}`),
  };
}
