/** The answers of injected faults and of the rate limiter, in each API's style. */
import { casError, oauthError, problem } from "./bodies";
import type { GarbageKind } from "./faults";
import { html, json, type Reply } from "./http";
import type { Api, Operation } from "./types";

const STATUS_TEXT: Record<number, string> = {
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Temporarily Unavailable",
  504: "Gateway Time-out",
};

function proxyPage(status: number): string {
  const text = `${status} ${STATUS_TEXT[status] ?? "Error"}`;
  return `<html>\r\n<head><title>${text}</title></head>\r\n<body>\r\n<center><h1>${text}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

/** A 5xx answer: a proxy's HTML page, or the API's own error body. */
export function errorReply(api: Api, status: number, asHtml: boolean, path: string): Reply {
  if (asHtml) return html(status, proxyPage(status));
  const description = "Internal error occurred when processing the request.";
  if (api === "nexus") return problem(status, description, path.replace(/^\/nexus/, ""));
  if (api === "oauth") return oauthError(500, "server_error", description);
  return casError(status, description);
}

/** A 429 answer; `Retry-After` only when configured. */
export function rateLimitedReply(api: Api, path: string, retryAfterSeconds?: number): Reply {
  const reply =
    api === "nexus"
      ? problem(429, "Too many requests", path.replace(/^\/nexus/, ""))
      : api === "oauth"
        ? oauthError(429, "slow_down", "Too many requests")
        : casError(429, "Too many requests");
  if (retryAfterSeconds !== undefined) {
    reply.headers = { ...reply.headers, "retry-after": String(Math.max(0, Math.ceil(retryAfterSeconds))) };
  }
  return reply;
}

/** A body with the right shape but wrong types, per operation. */
function wrongTypes(operation: Operation): unknown {
  const user = { id: null, emailAddress: 42, userStatus: 42, markDeleted: "no", lastSyncTime: 7 };
  switch (operation) {
    case "search":
      return [user];
    case "setStatus":
      return { id: null, userStatus: 42 };
    case "nexusSync":
      return {
        userId: 42,
        givenName: null,
        familyName: [],
        displayName: {},
        isAuthenticated: "yes",
        roles: "x",
      };
    case "token":
      return { access_token: 42, token_type: null, expires_in: "soon" };
    default:
      return user;
  }
}

/** A 200 answer whose body a client cannot use. */
export function garbageReply(operation: Operation, kind: GarbageKind): Reply {
  switch (kind) {
    case "invalid-json":
      return {
        status: 200,
        headers: { "content-type": "application/json" },
        body: '{"id": "f85b6e95", "userStatus": ',
      };
    case "wrong-types":
      return json(200, wrongTypes(operation));
    case "html":
      return html(
        200,
        "<!DOCTYPE html><html><head><title>Sign in</title></head><body><form>Sign in</form></body></html>",
      );
  }
}
