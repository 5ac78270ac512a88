/**
 * The request pipeline: route, in-flight tracking, rate limit, faults, the route's handler, latency,
 * then the answer (or none) and the log entry.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { CAS_BASE_PATH, matchCasRoute, notFound } from "./cas-routes";
import { casError, oauthError, problem } from "./bodies";
import { errorReply, garbageReply, rateLimitedReply } from "./fault-replies";
import { faultLabel, type Fault } from "./faults";
import {
  header,
  isRecord,
  parseJson,
  readBody,
  segments,
  sendCutReply,
  sendReply,
  type Reply,
  type RequestContext,
  type Route,
} from "./http";
import { matchNexusRoute, NEXUS_BASE_PATH } from "./nexus-routes";
import { matchOAuthRoute, OAUTH_BASE_PATH } from "./oauth-routes";
import { ADMIN_BASE_PATH } from "./admin-routes";
import type { EmulatorState } from "./state";
import type { Api, RequestLogEntry } from "./types";

type AdminRouter = (method: string, parts: string[]) => Route;

function under(path: string, base: string): boolean {
  return path === base || path.startsWith(`${base}/`);
}

export function matchRoute(state: EmulatorState, admin: AdminRouter, method: string, path: string): Route {
  if (under(path, NEXUS_BASE_PATH)) return matchNexusRoute(state, method, path, path.split("/"));
  const parts = segments(path);
  if (!parts) return notFound(path);
  if (under(path, CAS_BASE_PATH)) return matchCasRoute(state, method, path, parts);
  if (under(path, OAUTH_BASE_PATH)) return matchOAuthRoute(state, method, parts);
  if (under(path, ADMIN_BASE_PATH)) return admin(method, parts);
  return notFound(path);
}

/**
 * The user a request names (the lookup body's email, the id in a user path), logged even when a fault
 * or a 429 answers instead of the route: tests can then follow one user's attempts.
 */
export function namedUser(
  operation: string,
  path: string,
  body: Buffer | undefined,
): Pick<RequestLogEntry, "userId" | "email"> {
  if (operation === "lookup" && body !== undefined) {
    const parsed = parseJson(body);
    const email = parsed.ok && isRecord(parsed.value) ? parsed.value.email : undefined;
    return typeof email === "string" ? { email } : {};
  }
  if (operation === "setStatus" || operation === "sync" || operation === "nexusSync") {
    const match = /\/users\/([^/]+)\/[^/]+$/.exec(path);
    if (!match) return {};
    try {
      return { userId: decodeURIComponent(match[1]!) };
    } catch {
      return {};
    }
  }
  return {};
}

function tooLarge(api: Api, path: string): Reply {
  if (api === "nexus") return problem(413, "The request body is too large.", path);
  if (api === "oauth") return oauthError(400, "invalid_request", "The request body is too large");
  return casError(413, "The request body is too large");
}

/** Waits, unless the emulator closes first (then never resolves: the socket is gone anyway). */
export type Delay = (ms: number) => Promise<void>;

export function createRequestHandler(state: EmulatorState, admin: AdminRouter, delay: Delay) {
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? "/";
    const queryAt = rawUrl.indexOf("?");
    const path = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);
    const query = queryAt < 0 ? "" : rawUrl.slice(queryAt + 1);
    const method = req.method ?? "GET";
    const arrivedAt = performance.now();
    const route = matchRoute(state, admin, method, path);
    const counted = route.api !== "admin";
    if (counted) res.on("close", state.log.enter());
    const entry: RequestLogEntry = {
      seq: state.log.nextSeq(),
      time: state.clock(),
      method,
      path,
      query,
      status: 0,
      api: route.api,
      operation: route.operation,
      write: route.write,
    };
    const range = header(req.headers, "range");
    if (range !== undefined) entry.range = range;
    const ifMatch = header(req.headers, "if-match");
    if (ifMatch !== undefined) entry.ifMatch = ifMatch;
    const body = await readBody(req);
    if (counted) Object.assign(entry, namedUser(route.operation, path, body));
    const ctx: RequestContext = {
      method,
      path,
      query: new URLSearchParams(query),
      headers: req.headers,
      body: body ?? Buffer.alloc(0),
      note: {},
    };

    let reply: Reply;
    let fault: Fault = { kind: "none" };
    if (body === undefined) reply = tooLarge(route.api, path);
    else if (!counted) reply = await route.handle(ctx);
    else if (state.rateLimit?.applies(route.operation) && !state.rateLimit.take(state.clock())) {
      reply = rateLimitedReply(route.api, path, state.rateLimit.options.retryAfterSeconds);
    } else {
      fault = state.faults?.decide(route.operation) ?? fault;
      const label = faultLabel(fault);
      if (label) entry.fault = label;
      if (fault.kind === "hang") {
        state.log.add(entry);
        return; // accepted, never answered; close() destroys the socket
      }
      if (fault.kind === "error") reply = errorReply(route.api, fault.status, fault.html, path);
      else if (fault.kind === "garbage") reply = garbageReply(route.operation, fault.garbage);
      else reply = await route.handle(ctx);
    }
    Object.assign(entry, ctx.note);
    // The latency is the time from arrival to answer: handling the request is part of it.
    if (counted && state.latencyMs > 0) {
      const remaining = state.latencyMs - (performance.now() - arrivedAt);
      if (remaining > 0) await delay(Math.ceil(remaining));
    }
    if (fault.kind === "drop") {
      req.socket.destroy();
    } else if (fault.kind === "cut") {
      entry.status = reply.status;
      sendCutReply(res, reply);
    } else {
      entry.status = reply.status;
      sendReply(res, reply);
    }
    entry.durationMs = performance.now() - arrivedAt;
    state.log.add(entry);
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      sendReply(res, casError(500, `Emulator error: ${message}`));
    });
  };
}
