/** The error bodies each API answers with. */
import { json, type Reply } from "./http";

const REASONS: Record<number, string> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  429: "TOO_MANY_REQUESTS",
  500: "INTERNAL_SERVER_ERROR",
  502: "BAD_GATEWAY",
  503: "SERVICE_UNAVAILABLE",
  504: "GATEWAY_TIMEOUT",
};

/** CAS error body: `{"code":"404 NOT_FOUND","description":"..."}`. */
export function casError(status: number, description: string, headers?: Record<string, string>): Reply {
  const reply = json(status, { code: `${status} ${REASONS[status] ?? "ERROR"}`, description });
  return headers ? { ...reply, headers: { ...reply.headers, ...headers } } : reply;
}

/** Spring Security's body for a refused token (403) or an expired access token (401). */
export function springError(status: 401 | 403, message: string, path: string, at: number): Reply {
  const reply = json(status, {
    timestamp: new Date(at).toISOString(),
    status,
    error: status === 401 ? "Unauthorized" : "Forbidden",
    message,
    path,
  });
  if (status === 401) {
    reply.headers = {
      ...reply.headers,
      "www-authenticate": `Bearer error="invalid_token", error_description="${message}"`,
    };
  }
  return reply;
}

const PROBLEM_TYPES: Record<number, [string, string]> = {
  400: ["https://tools.ietf.org/html/rfc7231#section-6.5.1", "One or more validation errors occurred."],
  401: ["https://tools.ietf.org/html/rfc7235#section-3.1", "Unauthorized"],
  403: ["https://tools.ietf.org/html/rfc7231#section-6.5.3", "Forbidden"],
  404: ["https://tools.ietf.org/html/rfc7231#section-6.5.4", "Not Found"],
  405: ["https://tools.ietf.org/html/rfc7231#section-6.5.5", "Method Not Allowed"],
  413: ["https://tools.ietf.org/html/rfc7231#section-6.5.11", "Payload Too Large"],
  415: ["https://tools.ietf.org/html/rfc7231#section-6.5.13", "Unsupported Media Type"],
  429: ["https://tools.ietf.org/html/rfc6585#section-4", "Too Many Requests"],
  500: [
    "https://tools.ietf.org/html/rfc7231#section-6.6.1",
    "An error occurred while processing your request.",
  ],
  502: ["https://tools.ietf.org/html/rfc7231#section-6.6.3", "Bad Gateway"],
  503: ["https://tools.ietf.org/html/rfc7231#section-6.6.4", "Service Unavailable"],
  504: ["https://tools.ietf.org/html/rfc7231#section-6.6.5", "Gateway Timeout"],
};

/** RFC 7807 problem document, as Nexus (ASP.NET Core) answers. */
export function problem(
  status: number,
  detail: string,
  instance: string,
  extra: Record<string, unknown> = {},
): Reply {
  const [type, title] = PROBLEM_TYPES[status] ?? ["about:blank", "Error"];
  return json(status, { type, title, status, detail, instance, ...extra }, "application/problem+json");
}

/** OAuth 2.0 token endpoint error (RFC 6749 section 5.2). */
export function oauthError(status: 400 | 401 | 429 | 500, error: string, description: string): Reply {
  const reply = json(status, { error, error_description: description });
  reply.headers = { ...reply.headers, "cache-control": "no-store" };
  if (status === 401) reply.headers["www-authenticate"] = 'Bearer error="invalid_client"';
  return reply;
}
