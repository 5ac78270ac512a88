import { Agent, EnvHttpProxyAgent, type Dispatcher } from "undici";
import type { z } from "zod";
import { ConnectionError, InvalidResponseError, SecurIdError, TimeoutError } from "../errors";
import { sendAttempt, type AttemptResult } from "./attempt";
import { DEFAULTS, timeoutsFor } from "./defaults";
import type { EventSink } from "./events";
import {
  authFailedError,
  describeBody,
  errorForStatus,
  isSecurIdError,
  parseErrorBody,
  type FailedCall,
} from "./http-errors";
import { authInterceptor, limiterInterceptor } from "./interceptors";
import type { Limiter } from "./limiter";
import type { RequestAuth } from "./request-auth";
import { requireApiUrl } from "./url";
import {
  defaultRetryPolicyOptions,
  retryAfterFailure,
  type RetryCounts,
  type RetryPolicyOptions,
} from "./retry-policy";

/** One API call. */
export interface TransportRequest<T> {
  method: "GET" | "POST" | "PUT";
  /** Relative to the base URL, e.g. `/v1/users/lookup` (segments already encoded). */
  path: string;
  query?: Record<string, string | number>;
  /** Sent as JSON. */
  body?: unknown;
  /** Send no body with `Content-Length: 0`. */
  emptyBody?: boolean;
  /** Validates a 2xx answer. */
  schema: z.ZodType<T>;
  /** The value of a 2xx answer with an empty body; without it an empty body is an error. */
  allowEmpty?: T;
  /** For messages: `look up CAS user a@b.c`. */
  operation: string;
  /** The user concerned, for messages. */
  user?: string;
  /** OAuth scopes the call needs, named when the credentials are refused. */
  scopes?: readonly string[];
  /** Call-specific errors (404 → which user is missing, 409 → why); `undefined` keeps the generic one. */
  onError?: (call: FailedCall) => SecurIdError | undefined;
  /**
   * Set for a call that changes something (a status, a synchronization): when it fails after a request
   * may have reached the API (sent and then no answer, an answer cut off, a 5xx, a 2xx that cannot be
   * read), the error carries `maybeApplied: true` and this sentence, e.g. "The change may have been
   * applied all the same: `pulumi refresh` shows the user's current status in CAS."
   */
  maybeAppliedHint?: string;
}

export interface Transport {
  /** The base URL request paths are appended to. */
  readonly baseUrl: string;
  request<T>(req: TransportRequest<T>): Promise<T>;
  /** Closes the connections this transport opened (not an injected dispatcher). */
  close(): Promise<void>;
}

/** Proxy settings, from the environment (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`, lower case first). */
export interface ProxySettings {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}

export function proxySettingsFromEnv(env: NodeJS.ProcessEnv): ProxySettings {
  const pick = (...names: string[]) =>
    names.map((n) => env[n]).find((v) => v !== undefined && v.trim() !== "");
  const httpProxy = pick("http_proxy", "HTTP_PROXY");
  const httpsProxy = pick("https_proxy", "HTTPS_PROXY");
  const noProxy = pick("no_proxy", "NO_PROXY");
  return {
    ...(httpProxy !== undefined && { httpProxy }),
    ...(httpsProxy !== undefined && { httpsProxy }),
    ...(noProxy !== undefined && { noProxy }),
  };
}

export interface BaseDispatcherOptions {
  proxy?: ProxySettings;
  requestTimeoutSeconds?: number;
  connectTimeoutMs?: number;
}

/**
 * The connection layer: an `EnvHttpProxyAgent` when a proxy is set (it honours `NO_PROXY`), else an
 * `Agent`; keep-alive, connect/headers/body timeouts. No `ca` option: Node's TLS already adds
 * `NODE_EXTRA_CA_CERTS` to its default store, and a `ca` option would replace that store.
 */
export function createBaseDispatcher(options: BaseDispatcherOptions = {}): Dispatcher {
  const { headersTimeoutMs, bodyTimeoutMs } = timeoutsFor(
    options.requestTimeoutSeconds ?? DEFAULTS.requestTimeoutSeconds,
  );
  const agentOptions = {
    connect: { timeout: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs },
    headersTimeout: headersTimeoutMs,
    bodyTimeout: bodyTimeoutMs,
    keepAliveTimeout: DEFAULTS.keepAliveTimeoutMs,
    keepAliveMaxTimeout: DEFAULTS.keepAliveMaxTimeoutMs,
  };
  const proxy = options.proxy ?? {};
  if (proxy.httpProxy === undefined && proxy.httpsProxy === undefined) return new Agent(agentOptions);
  // Pass every value explicitly ("" = unset): EnvHttpProxyAgent would otherwise read process.env itself.
  return new EnvHttpProxyAgent({
    ...agentOptions,
    httpProxy: proxy.httpProxy ?? "",
    httpsProxy: proxy.httpsProxy ?? "",
    noProxy: proxy.noProxy ?? "",
  });
}

export interface TransportOptions {
  /** e.g. `https://t.access.securid.com/AdminInterface/restapi` (no trailing slash). */
  baseUrl: string;
  auth: RequestAuth;
  /** `CAS`, `Nexus`: named in messages. */
  service: string;
  /** `securid` or `nexus`: the config namespace named in hints. */
  configPrefix: string;
  /** The tenant's limiter, shared by all its transports. Default: none. */
  limiter?: Limiter;
  /** The connection layer (tests: a `MockAgent`). Default: {@link createBaseDispatcher}, closed by `close()`. */
  dispatcher?: Dispatcher;
  proxy?: ProxySettings;
  maxRetries?: number;
  requestTimeoutSeconds?: number;
  connectTimeoutMs?: number;
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Epoch ms. Default `Date.now`. */
  now?: () => number;
  /** Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Uniform in [0, 1), for jitter. Default `Math.random`. */
  random?: () => number;
  onEvent?: EventSink;
  /** Default `pulumi-securid/<version>`. */
  userAgent?: string;
}

const timerSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let cachedUserAgent: string | undefined;

/** `pulumi-securid/<version>`, read from the package's `package.json` (same relative path in src/ and dist/). */
export function defaultUserAgent(): string {
  if (cachedUserAgent === undefined) {
    let version = "0.0.0";
    try {
      const pkg = require("../../package.json") as { name?: unknown; version?: unknown };
      if (pkg.name === "pulumi-securid" && typeof pkg.version === "string") version = pkg.version;
    } catch {
      // keep the placeholder
    }
    cachedUserAgent = `pulumi-securid/${version}`;
  }
  return cachedUserAgent;
}

/** An answer as read off the wire. */
interface RawAnswer {
  status: number;
  contentType: string | undefined;
  text: string;
}

/** One call's attempts so far (both sends of a 401/403 renewal included). */
interface CallState {
  attempts: number;
  /** Failed attempts of the current send, for its retry budgets. */
  counts: RetryCounts;
  /** An attempt may have been processed by the API without us learning how it ended. */
  uncertain: boolean;
}

const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

/** `application/json`, `application/problem+json`, with parameters. */
const JSON_TYPE = /^\s*application\/([\w.-]+\+)?json\s*(;|$)/i;

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** A zod issue as `field: what was expected`, never the value. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(the answer)"}: ${issue.message}`)
    .join("; ");
}

/**
 * An API client over undici. Each attempt is a whole request: its answer is read in full, and a retry
 * sends the request again from the start (never undici's retry interceptor, which resumes an answer cut
 * mid-body with a `Range` request: for a write, a second application). Composition around each
 * attempt, outermost first: limiter (one slot per attempt; a 429 lowers the tenant's rate and its
 * `Retry-After` holds every start, so a retried 429 simply queues again) → auth (headers per attempt;
 * 401/403 invalidate the token) → base dispatcher. Retries follow `retry-policy.ts` (backoff with full
 * jitter for 5xx and dropped connections, injected sleep). Without a limiter a 429 waits its
 * `Retry-After` or a backoff. A 401/403 is sent once more with fresh credentials, then fails with
 * `AuthFailedError`.
 */
export function createTransport(options: TransportOptions): Transport {
  requireApiUrl(options.baseUrl, "TransportOptions.baseUrl");
  const ownsDispatcher = options.dispatcher === undefined;
  const base =
    options.dispatcher ??
    createBaseDispatcher({
      ...(options.proxy !== undefined && { proxy: options.proxy }),
      ...(options.requestTimeoutSeconds !== undefined && {
        requestTimeoutSeconds: options.requestTimeoutSeconds,
      }),
      ...(options.connectTimeoutMs !== undefined && { connectTimeoutMs: options.connectTimeoutMs }),
    });
  const now = options.now ?? Date.now;
  const policy: RetryPolicyOptions = defaultRetryPolicyOptions({
    now,
    sleep: options.sleep ?? timerSleep,
    ...(options.random !== undefined && { random: options.random }),
    ...(options.maxRetries !== undefined && { maxRetries: options.maxRetries }),
    ...(options.minRetryDelayMs !== undefined && { minRetryDelayMs: options.minRetryDelayMs }),
    ...(options.maxRetryDelayMs !== undefined && { maxRetryDelayMs: options.maxRetryDelayMs }),
    ...(options.onEvent !== undefined && { onEvent: options.onEvent }),
    // The limiter paces the tenant and holds every start for a Retry-After: a request's first 429
    // waits its turn there; a repeated one also backs off.
    throttledRetriesPaced: options.limiter !== undefined,
  });
  const layers: Dispatcher.DispatcherComposeInterceptor[] = [authInterceptor(options.auth)];
  if (options.limiter) layers.push(limiterInterceptor(options.limiter, now));
  const dispatcher = base.compose(layers);

  const baseUrl = new URL(options.baseUrl);
  const origin = baseUrl.origin;
  const basePath = baseUrl.pathname.replace(/\/+$/, "");
  const host = baseUrl.host;
  const userAgent = options.userAgent ?? defaultUserAgent();
  const timeoutSeconds = options.requestTimeoutSeconds ?? DEFAULTS.requestTimeoutSeconds;
  const proxy = options.proxy?.httpsProxy ?? options.proxy?.httpProxy;

  function pathWithQuery(req: TransportRequest<unknown>): string {
    if (!req.path.startsWith("/")) throw new Error(`transport: path must start with "/": ${req.path}`);
    const query = new URLSearchParams(
      Object.entries(req.query ?? {}).map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();
    return `${basePath}${req.path}${query ? `?${query}` : ""}`;
  }

  /** What a failed call says about the fate of a write: `maybeApplied` and the sentence saying so. */
  function unknownOutcome(req: TransportRequest<unknown>, call: CallState) {
    return req.maybeAppliedHint !== undefined && call.uncertain
      ? { maybeApplied: true, sentence: req.maybeAppliedHint }
      : undefined;
  }

  /** `err` as it is when nothing was sent before it; else saying that the write may have been applied. */
  function withUnknownOutcome(err: SecurIdError, unknown: ReturnType<typeof unknownOutcome>): SecurIdError {
    if (!unknown) return err;
    const message =
      err.hint !== undefined && err.message.endsWith(` ${err.hint}`)
        ? err.message.slice(0, -(err.hint.length + 1))
        : err.message;
    return new SecurIdError(err.code, message, {
      ...(err.status !== undefined && { status: err.status }),
      ...(err.apiMessage !== undefined && { apiMessage: err.apiMessage }),
      ...(err.user !== undefined && { user: err.user }),
      hint: joinHints(err.hint, unknown.sentence),
      maybeApplied: true,
      cause: err,
    });
  }

  function joinHints(...hints: (string | undefined)[]): string {
    return hints.filter((h) => h !== undefined && h !== "").join(" ");
  }

  function connectionError(
    failed: Extract<AttemptResult, { kind: "error" }>,
    req: TransportRequest<unknown>,
    call: CallState,
  ): SecurIdError {
    const err = failed.error;
    const code = errorCode(err) ?? "unknown error";
    const after = call.attempts > 1 ? ` after ${call.attempts} attempts` : "";
    const unknown = unknownOutcome(req, call);
    const common = {
      ...(req.user !== undefined && { user: req.user }),
      ...(unknown && { maybeApplied: true }),
      cause: err,
    };
    if (TIMEOUT_CODES.has(code)) {
      return new TimeoutError(
        `Cannot ${req.operation}: no answer from ${host} within ${timeoutSeconds} s (${options.configPrefix}:requestTimeoutSeconds)${after}.`,
        {
          ...common,
          hint: joinHints(
            `${options.service} may be overloaded; try again later or raise ${options.configPrefix}:requestTimeoutSeconds.`,
            unknown?.sentence,
          ),
        },
      );
    }
    const what =
      failed.status !== undefined
        ? `the connection to ${host} broke while ${options.service} was answering ${failed.status} (${code})`
        : failed.sent
          ? `the connection to ${host} was lost before ${options.service} answered (${code})`
          : `cannot reach ${host} (${code})`;
    const proxyHint = proxy
      ? ` The request went through the proxy ${proxyHost(proxy)}: check HTTPS_PROXY/HTTP_PROXY and NO_PROXY.`
      : "";
    return new ConnectionError(`Cannot ${req.operation}: ${what}${after}.`, {
      ...common,
      hint: joinHints(
        `Check the network, DNS and firewall, and the ${options.configPrefix} base URL.${proxyHint}`,
        unknown?.sentence,
      ),
    });
  }

  function attemptOptions(req: TransportRequest<unknown>): Dispatcher.DispatchOptions {
    const headers: Record<string, string> = { accept: "application/json", "user-agent": userAgent };
    let body: string | undefined;
    if (req.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(req.body);
    } else if (req.emptyBody) {
      headers["content-length"] = "0";
    }
    return {
      origin,
      path: pathWithQuery(req),
      method: req.method,
      headers,
      ...(body !== undefined && { body }),
    };
  }

  /** Attempts `req` until an answer that is not retried, within the retry budgets. */
  async function send(req: TransportRequest<unknown>, call: CallState): Promise<RawAnswer> {
    call.counts = { failures: 0, throttled: 0 };
    for (;;) {
      const result = await sendAttempt(dispatcher, attemptOptions(req));
      call.attempts += 1;
      if (result.kind === "answer") {
        // A server error does not say whether the request was carried out before it failed.
        if (result.status >= 500) call.uncertain = true;
        const failed = { statusCode: result.status, headers: result.headers };
        if (
          policy.statusCodes.includes(result.status) &&
          (await retryAfterFailure(failed, req.method, call.counts, policy, req.operation))
        ) {
          continue;
        }
        const contentType = result.headers["content-type"];
        return {
          status: result.status,
          contentType: Array.isArray(contentType) ? contentType[0] : contentType,
          text: result.text,
        };
      }
      // A failure to get credentials (a token that cannot be signed or obtained) is already explained,
      // but not that an earlier attempt of the write may have been carried out.
      if (isSecurIdError(result.error)) throw withUnknownOutcome(result.error, unknownOutcome(req, call));
      if (result.sent) call.uncertain = true;
      const code = errorCode(result.error);
      if (await retryAfterFailure({ code }, req.method, call.counts, policy, req.operation)) continue;
      throw connectionError(result, req, call);
    }
  }

  function failure(req: TransportRequest<unknown>, answer: RawAnswer, call: CallState): SecurIdError {
    // A 4xx other than 429 refuses the request itself: it was not carried out (nor, being the same
    // request, an earlier attempt). A 5xx, or 429s after an uncertain attempt, leave the write unknown.
    const unknown = answer.status >= 500 || answer.status === 429 ? unknownOutcome(req, call) : undefined;
    const failed: FailedCall = {
      status: answer.status,
      body: parseErrorBody(answer.text, answer.contentType),
      operation: req.operation,
      ...(req.user !== undefined && { user: req.user }),
      service: options.service,
      attempts: call.attempts,
      configPrefix: options.configPrefix,
      ...(unknown && { maybeApplied: unknown.sentence }),
    };
    if (answer.status === 401 || answer.status === 403) {
      return authFailedError(failed, options.auth.refusedHint(req.scopes ?? []));
    }
    return req.onError?.(failed) ?? errorForStatus(failed);
  }

  function parse<T>(req: TransportRequest<T>, answer: RawAnswer): T {
    // A 2xx means the API carried the write out; an answer we cannot read leaves that unconfirmed.
    const unknown = req.maybeAppliedHint;
    const details = {
      ...(req.user !== undefined && { user: req.user }),
      ...(unknown !== undefined && { maybeApplied: true }),
    };
    if (answer.text.trim() === "") {
      if (req.allowEmpty !== undefined) return req.allowEmpty;
      throw new InvalidResponseError(
        `Cannot ${req.operation}: ${options.service} answered ${answer.status} with an empty body.`,
        { ...details, ...(unknown !== undefined && { hint: unknown }) },
      );
    }
    let data: unknown;
    try {
      data = JSON.parse(answer.text);
    } catch {
      const what = JSON_TYPE.test(answer.contentType ?? "")
        ? "malformed JSON (cut short or not JSON at all)"
        : `${describeBody(answer.text, answer.contentType)} instead of JSON`;
      throw new InvalidResponseError(
        `Cannot ${req.operation}: ${options.service} answered ${answer.status} with ${what}.`,
        {
          ...details,
          hint: joinHints(
            `Check the ${options.configPrefix} base URL and any proxy between this machine and ${host}.`,
            unknown,
          ),
        },
      );
    }
    const result = req.schema.safeParse(data);
    if (!result.success) {
      throw new InvalidResponseError(
        `Cannot ${req.operation}: ${options.service}'s answer is not what this provider expects: ${describeIssues(result.error)}.`,
        {
          ...details,
          hint: joinHints("The API may have changed; please report it with this message.", unknown),
        },
      );
    }
    return result.data;
  }

  return {
    baseUrl: `${origin}${basePath}`,
    async request<T>(req: TransportRequest<T>): Promise<T> {
      const call: CallState = { attempts: 0, counts: { failures: 0, throttled: 0 }, uncertain: false };
      let answer = await send(req, call);
      if ((answer.status === 401 || answer.status === 403) && options.auth.renewable) {
        // The auth layer has invalidated the refused token: once more with a fresh one.
        answer = await send(req, call);
      }
      if (answer.status < 200 || answer.status >= 300) throw failure(req, answer, call);
      return parse(req, answer);
    },
    async close() {
      if (ownsDispatcher) await base.close();
    },
  };
}

/** The host of a proxy URL, without credentials. */
function proxyHost(raw: string): string {
  try {
    return new URL(raw).host;
  } catch {
    return "(unreadable proxy URL)";
  }
}
