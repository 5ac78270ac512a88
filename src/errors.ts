/**
 * Errors raised by pulumi-securid. Every error carries a stable `code`; compare on `code`, never with
 * `instanceof`: a dynamic provider may load a second copy of this module (closure serialization), and
 * two copies of a class are never `instanceof` each other.
 *
 * Messages are written for the person who reads `pulumi up` output: what happened, to which user, and
 * what to do. They never contain a token, an `Authorization` header or key material.
 */

/** Stable error codes. */
export type SecurIdErrorCode =
  | "ERR_INVALID_INPUT"
  | "ERR_INVALID_CONFIG"
  | "ERR_INVALID_KEY"
  | "ERR_AUTH_FAILED"
  | "ERR_USER_NOT_FOUND"
  | "ERR_PENDING_DELETION"
  | "ERR_DISABLED_BY_SYNC"
  | "ERR_CONFLICT"
  | "ERR_BAD_REQUEST"
  | "ERR_RATE_LIMITED"
  | "ERR_SERVER"
  | "ERR_TIMEOUT"
  | "ERR_CONNECTION"
  | "ERR_INVALID_RESPONSE"
  | "ERR_INVALID_ROSTER"
  | "ERR_API";

/** Details attached to a {@link SecurIdError}. */
export interface SecurIdErrorDetails {
  /** The HTTP status the API answered with, when the error comes from an answer. */
  status?: number;
  /** The API's own message (from `description` or `message`, or a problem document's `detail`). */
  apiMessage?: string;
  /** What an administrator can do about it. */
  hint?: string;
  /** The user concerned (email or id), when known. */
  user?: string;
  /** The underlying error. */
  cause?: unknown;
  /**
   * A write (status change, sync) failed after its request may have reached the API: it may have been
   * applied. Absent when the request certainly was not processed.
   */
  maybeApplied?: boolean;
}

/** Base class of every error this package raises. */
export class SecurIdError extends Error {
  /** A stable identifier of the failure kind. */
  readonly code: SecurIdErrorCode;
  /** The HTTP status, when the error comes from an API answer. */
  readonly status?: number;
  /** The API's own message, when it gave one. */
  readonly apiMessage?: string;
  /** What an administrator can do about it. */
  readonly hint?: string;
  /** The user concerned, when known. */
  readonly user?: string;
  /** `true` when a write failed after its request may have reached the API: it may have been applied. */
  readonly maybeApplied?: boolean;

  constructor(code: SecurIdErrorCode, message: string, details: SecurIdErrorDetails = {}) {
    super(details.hint ? `${message} ${details.hint}` : message, { cause: details.cause });
    this.name = "SecurIdError";
    this.code = code;
    if (details.status !== undefined) this.status = details.status;
    if (details.apiMessage !== undefined) this.apiMessage = details.apiMessage;
    if (details.hint !== undefined) this.hint = details.hint;
    if (details.user !== undefined) this.user = details.user;
    if (details.maybeApplied === true) this.maybeApplied = true;
  }
}

/** True when `err` is a {@link SecurIdError} with the given code (works across module copies). */
export function hasErrorCode(err: unknown, code: SecurIdErrorCode): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === code;
}

/** An input of a resource or function is invalid; nothing was sent. */
export class InvalidInputError extends SecurIdError {
  constructor(message: string, details?: SecurIdErrorDetails) {
    super("ERR_INVALID_INPUT", message, details);
  }
}

/** Stack configuration or environment is missing or malformed; nothing was sent. */
export class InvalidConfigError extends SecurIdError {
  constructor(message: string, details?: SecurIdErrorDetails) {
    super("ERR_INVALID_CONFIG", message, details);
  }
}

/** A key file, private key or JWK cannot be used. */
export class InvalidKeyError extends SecurIdError {
  constructor(message: string, details?: SecurIdErrorDetails) {
    super("ERR_INVALID_KEY", message, details);
  }
}

/** The API refused our credentials (401/403) even after a fresh token. */
export class AuthFailedError extends SecurIdError {
  constructor(message: string, details?: SecurIdErrorDetails) {
    super("ERR_AUTH_FAILED", message, details);
  }
}

/** The user does not exist (404). */
export class UserNotFoundError extends SecurIdError {
  constructor(message: string, details?: SecurIdErrorDetails) {
    super("ERR_USER_NOT_FOUND", message, details);
  }
}

/** The user is pending deletion and cannot be enabled. */
export class PendingDeletionError extends SecurIdError {
  constructor(message: string, details?: SecurIdErrorDetails) {
    super("ERR_PENDING_DELETION", message, details);
  }
}

/** The user was disabled by an identity-source synchronization and cannot be enabled through the API. */
export class DisabledBySyncError extends SecurIdError {
  constructor(message: string, details?: SecurIdErrorDetails) {
    super("ERR_DISABLED_BY_SYNC", message, details);
  }
}

/** Any other 409. */
export class ConflictError extends SecurIdError {
  constructor(message: string, details?: SecurIdErrorDetails) {
    super("ERR_CONFLICT", message, details);
  }
}

/** The API refused the request as malformed (400, 415, 422). */
export class BadRequestError extends SecurIdError {
  constructor(message: string, details?: SecurIdErrorDetails) {
    super("ERR_BAD_REQUEST", message, details);
  }
}

/** Still rate limited (429) after every retry. */
export class RateLimitedError extends SecurIdError {
  constructor(message: string, details?: SecurIdErrorDetails) {
    super("ERR_RATE_LIMITED", message, details);
  }
}

/** The API kept failing (5xx) after every retry. */
export class ServerError extends SecurIdError {
  constructor(message: string, details?: SecurIdErrorDetails) {
    super("ERR_SERVER", message, details);
  }
}

/** No answer within the configured time. */
export class TimeoutError extends SecurIdError {
  constructor(message: string, details?: SecurIdErrorDetails) {
    super("ERR_TIMEOUT", message, details);
  }
}

/** The connection could not be made or was dropped, after every retry. */
export class ConnectionError extends SecurIdError {
  constructor(message: string, details?: SecurIdErrorDetails) {
    super("ERR_CONNECTION", message, details);
  }
}

/** The API answered something we cannot use (not JSON, a required field missing or of the wrong type). */
export class InvalidResponseError extends SecurIdError {
  constructor(message: string, details?: SecurIdErrorDetails) {
    super("ERR_INVALID_RESPONSE", message, details);
  }
}

/** One problem in a roster: where it is (`people.csv line 7`, `users[3]`) and what to do about it. */
export interface RosterProblem {
  /** The file and line, or the entry's index. */
  place: string;
  /** What is wrong and the fix, e.g. `status "Termed" is not in statusMap (...); add it to statusMap`. */
  problem: string;
}

/**
 * A roster (a file of users or an inline list) cannot be used: it cannot be read or parsed, or some
 * entries are invalid. Raised before anything is registered; `problems` holds every problem found,
 * the message lists the first ones.
 */
export class RosterError extends SecurIdError {
  /** Every problem found, in the roster's order. */
  readonly problems: readonly RosterProblem[];

  constructor(message: string, problems: readonly RosterProblem[] = [], details?: SecurIdErrorDetails) {
    super("ERR_INVALID_ROSTER", message, details);
    this.problems = problems;
  }
}

/** Any other API error status. */
export class ApiError extends SecurIdError {
  constructor(message: string, details?: SecurIdErrorDetails) {
    super("ERR_API", message, details);
  }
}
