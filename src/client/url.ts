import { isIP } from "node:net";
import { InvalidConfigError } from "../errors";
import { shortPath, shortValue } from "./redact";

/** True for `localhost`, 127.0.0.0/8 and ::1: the only hosts reached over plain http. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname
    .replace(/^\[(.*)\]$/, "$1")
    .replace(/\.$/, "")
    .toLowerCase();
  if (host === "localhost" || host === "::1") return true;
  return isIP(host) === 4 && host.startsWith("127.");
}

/**
 * What is wrong with an API URL, or `undefined` when it can be used: it must be absolute, `https:` (or
 * `http:` to a loopback host, for emulators), without credentials, query or fragment.
 */
export function apiUrlProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return "is not an absolute URL";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return `uses ${shortValue(url.protocol)} (expected https:)`;
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    return `uses http:// to ${shortValue(url.hostname)}: only https:// is allowed, except to localhost, 127.0.0.0/8 and ::1`;
  }
  if (url.username || url.password) return "contains a user name or password";
  if (url.search || url.hash) return "contains a query or a fragment";
  return undefined;
}

/**
 * Refuses an API URL {@link apiUrlProblem} objects to, with `ERR_INVALID_CONFIG` naming `what` (a
 * setting such as `securid:adminRestApiUrl`, or a library option such as `CasSettings.baseUrl`): one
 * rule and one message for the settings and for programs that build a client themselves.
 */
export function requireApiUrl(raw: string, what: string): void {
  const problem = apiUrlProblem(raw);
  if (problem) throw new InvalidConfigError(`${what} (${shortPath(displayUrl(raw))}) ${problem}.`);
}

/** `raw` without credentials, query or fragment, for messages. */
export function displayUrl(raw: string): string {
  try {
    const url = new URL(raw.trim());
    return `${url.origin}${url.pathname}`;
  } catch {
    return "(not a URL)";
  }
}

/** Origin and path prefix of a checked URL, without trailing slashes. */
export function normaliseBaseUrl(raw: string): string {
  const url = new URL(raw.trim());
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/**
 * The base of the Administration API request paths: `https://<host>/AdminInterface/restapi`, without a
 * trailing slash or `/v1` (request paths start with `/v1/`). A bare origin gets the standard path.
 * `raw` must be valid (see {@link apiUrlProblem}).
 */
export function normaliseAdminRestApiUrl(raw: string): string {
  const base = normaliseBaseUrl(raw).replace(/\/v1$/i, "");
  const url = new URL(base);
  return url.pathname === "/" ? `${url.origin}/AdminInterface/restapi` : base;
}
