import {
  ApiError,
  AuthFailedError,
  BadRequestError,
  ConflictError,
  DisabledBySyncError,
  PendingDeletionError,
  RateLimitedError,
  SecurIdError,
  ServerError,
  UserNotFoundError,
} from "../errors";

/** A {@link SecurIdError}, from this copy of the module or another (closure serialization). */
export function isSecurIdError(err: unknown): err is SecurIdError {
  return err instanceof SecurIdError || (err as { name?: unknown } | null)?.name === "SecurIdError";
}

/** What an error answer's body says, whichever of the known shapes it has. */
export interface ApiErrorBody {
  /** CAS `description`, problem `detail` (+ validation `errors`), OAuth `error_description`, Spring `message`, or a `title`/`error`. */
  apiMessage?: string;
  /** CAS `code` (e.g. `404 NOT_FOUND`) or OAuth/Spring `error`. */
  apiCode?: string;
  /** The body was JSON. */
  json: boolean;
  /** What the body was when not JSON, for messages (e.g. `an HTML page`). */
  kind: string;
}

/** An answer with an error status, after every retry. */
export interface FailedCall {
  status: number;
  body: ApiErrorBody;
  /** What was being done: `look up CAS user a@b.c`. */
  operation: string;
  /** The user concerned (email or id). */
  user?: string;
  /** `CAS`, `Nexus`, `the OAuth issuer`. */
  service: string;
  /** Attempts made, retries included. */
  attempts: number;
  /** `securid` or `nexus`: the config namespace named in hints. */
  configPrefix: string;
  /**
   * Set when the call was a write that may have been carried out all the same (a 5xx, or 429s after
   * an attempt that got no answer): the sentence saying so, appended to the hint; the error then
   * carries `maybeApplied: true`.
   */
  maybeApplied?: string;
}

const MAX_API_MESSAGE = 300;

function clean(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > MAX_API_MESSAGE ? `${oneLine.slice(0, MAX_API_MESSAGE)}…` : oneLine;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/** ASP.NET validation problems: `errors: { field: ["message", ...] }`. */
function validationErrors(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const parts = Object.entries(value).map(([field, messages]) => {
    const list = Array.isArray(messages)
      ? messages.filter((m) => typeof m === "string").join(", ")
      : str(messages);
    return list ? `${field}: ${list}` : field;
  });
  return parts.length > 0 ? parts.join("; ") : undefined;
}

/** What a non-JSON body is, for messages; never the body itself. */
export function describeBody(text: string, contentType: string | undefined): string {
  const type = (contentType ?? "").split(";")[0].trim().toLowerCase();
  if (text.trim() === "") return "an empty body";
  if (type === "text/html" || /^\s*<(!doctype html|html)/i.test(text)) {
    return "an HTML page (probably from a proxy, a firewall or a login portal, not from the API)";
  }
  return type ? `a ${type} body` : "a body that is not JSON";
}

/** Reads the message of an error answer: `{code, description}`, Spring `{status, error, message}`, OAuth `{error, error_description}` or an RFC 7807 problem. */
export function parseErrorBody(text: string, contentType?: string): ApiErrorBody {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { json: false, kind: describeBody(text, contentType) };
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return typeof data === "string" && data.trim() !== ""
      ? { json: true, kind: "JSON", apiMessage: clean(data) }
      : { json: true, kind: "JSON" };
  }
  const o = data as Record<string, unknown>;
  const detail = str(o.detail);
  const errors = validationErrors(o.errors);
  const problem = detail || errors ? [detail, errors].filter(Boolean).join(" ") : undefined;
  const message =
    str(o.description) ??
    problem ??
    str(o.error_description) ??
    str(o.message) ??
    str(o.title) ??
    str(o.error);
  const code = str(o.code) ?? str(o.error);
  return {
    json: true,
    kind: "JSON",
    ...(message !== undefined && { apiMessage: clean(message) }),
    ...(code !== undefined && { apiCode: clean(code) }),
  };
}

function details(call: FailedCall, hint?: string) {
  const hints = [hint, call.maybeApplied].filter((h): h is string => h !== undefined && h !== "");
  return {
    status: call.status,
    ...(call.body.apiMessage !== undefined && { apiMessage: call.body.apiMessage }),
    ...(call.user !== undefined && { user: call.user }),
    ...(hints.length > 0 && { hint: hints.join(" ") }),
    ...(call.maybeApplied !== undefined && { maybeApplied: true }),
  };
}

/** `CAS answered 503 (Internal error) after 7 attempts` */
function answered(call: FailedCall): string {
  const what = call.body.apiMessage
    ? ` (${call.body.apiMessage})`
    : call.body.json
      ? ""
      : ` with ${call.body.kind}`;
  const attempts = call.attempts > 1 ? ` after ${call.attempts} attempts` : "";
  return `${call.service} answered ${call.status}${what}${attempts}`;
}

/** 401/403 after a fresh token: the credentials themselves are refused. */
export function authFailedError(call: FailedCall, hint: string): AuthFailedError {
  return new AuthFailedError(
    `Cannot ${call.operation}: ${answered(call)}: the credentials were refused.`,
    details(call, hint),
  );
}

/** 404 on a user call. `what` says which user is missing, e.g. `No CAS user has the email a@b.c`. */
export function userNotFoundError(call: FailedCall, what: string, hint?: string): UserNotFoundError {
  return new UserNotFoundError(`Cannot ${call.operation}: ${what}.`, details(call, hint));
}

/**
 * 409 on enabling a CAS user: either the user is pending deletion, or an identity-source sync disabled
 * them. The API's message tells which; without one, both are listed.
 */
export function enableConflictError(call: FailedCall, user: string): SecurIdError {
  const message = call.body.apiMessage ?? "";
  if (/delet/i.test(message)) {
    return new PendingDeletionError(
      `Cannot ${call.operation}: user ${user} is pending deletion (CAS deletes such a user for good 7 days after marking); they cannot be enabled.`,
      details(
        call,
        'Cancel the deletion in the Cloud Administration Console (Users > Management, open the user), or set status "Disabled".',
      ),
    );
  }
  if (/sync/i.test(message)) {
    return new DisabledBySyncError(
      `Cannot ${call.operation}: user ${user} was disabled by an identity-source synchronization; CAS refuses to enable them through the API.`,
      details(
        call,
        "Enable the user in the directory (AD/LDAP) or bring them back into the synchronization scope, then synchronize the user (UserSync, or the console's Synchronize) before enabling.",
      ),
    );
  }
  return new ConflictError(
    `Cannot ${call.operation}: ${answered(call)}: the user cannot be enabled.`,
    details(
      call,
      "Either the user is pending deletion (cancel the deletion in the Cloud Administration Console), or an identity-source synchronization disabled them (enable them in the directory and synchronize them first).",
    ),
  );
}

/** The error for an answer with a status no call-specific rule handled. */
export function errorForStatus(call: FailedCall): SecurIdError {
  const { status } = call;
  if (status === 400 || status === 415 || status === 422) {
    return new BadRequestError(
      `Cannot ${call.operation}: ${answered(call)}: the request was refused as malformed.`,
      details(
        call,
        "This is an input the provider did not validate or a bug in pulumi-securid; please report it with this message.",
      ),
    );
  }
  if (status === 404) {
    const hint = call.body.json
      ? undefined
      : `The answer did not come from the API: check the ${call.configPrefix} base URL.`;
    if (call.user !== undefined)
      return userNotFoundError(call, `${answered(call)}: no such user ${call.user}`, hint);
    return new ApiError(`Cannot ${call.operation}: ${answered(call)}.`, details(call, hint));
  }
  if (status === 409) {
    return new ConflictError(`Cannot ${call.operation}: ${answered(call)}.`, details(call));
  }
  if (status === 429) {
    return new RateLimitedError(
      `Cannot ${call.operation}: ${answered(call)}${call.body.apiMessage ? "" : " (too many requests)"}.`,
      details(
        call,
        `Lower ${call.configPrefix}:maxConcurrency or set ${call.configPrefix}:maxRequestsPerSecond (e.g. 5), or run fewer operations at once (pulumi up --parallel).`,
      ),
    );
  }
  if (status >= 500) {
    return new ServerError(
      `Cannot ${call.operation}: ${answered(call)}.`,
      details(
        call,
        `${call.service} is failing; try again later, and report it to its support if it persists.`,
      ),
    );
  }
  return new ApiError(`Cannot ${call.operation}: ${answered(call)}.`, details(call));
}

/** OAuth error codes (RFC 6749 §5.2) and what to do about them. */
export function oauthErrorHint(
  error: string | undefined,
  clientId: string,
  scopes: readonly string[],
): string {
  switch (error) {
    case "invalid_client":
      return `The issuer does not accept client ${clientId} with this key: check securid:oauthClientId and securid:oauthPrivateKey (the key may have been revoked or replaced, or its kid no longer registered).`;
    case "invalid_scope":
      return `The client lacks a requested scope; requested: ${scopes.join(" ")}. Grant them to the client in the Cloud Administration Console, or set securid:oauthScopes to the scopes it has.`;
    case "unauthorized_client":
      return `Client ${clientId} may not use the client_credentials grant, or is disabled: check it in the Cloud Administration Console.`;
    case "invalid_grant":
      return "The client assertion was refused: check that this machine's clock is right and that securid:oauthIssuerUrl is the client's issuer URL.";
    default:
      return `Check securid:oauthIssuerUrl, securid:oauthClientId and securid:oauthPrivateKey.`;
  }
}
