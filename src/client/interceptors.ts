import type { Dispatcher } from "undici";
import { InvalidKeyError } from "../errors";
import { isSecurIdError } from "./http-errors";
import type { AttemptOutcome, Limiter, Permit } from "./limiter";
import type { RequestAuth } from "./request-auth";
import { cryptoReason } from "./redact";
import { parseRetryAfterMs } from "./retry-policy";

type Handler = Dispatcher.DispatchHandler;
type Controller = Dispatcher.DispatchController;
type Headers = Record<string, string | string[] | undefined>;

/**
 * Forwards every callback to `inner`. Subclasses override what they observe; undici's own
 * `DecoratorHandler` is deprecated.
 */
class ForwardingHandler implements Handler {
  constructor(protected readonly inner: Handler) {}

  onRequestStart(controller: Controller, context: unknown): void {
    this.inner.onRequestStart?.(controller, context);
  }

  onBodySent(chunk: Buffer): void {
    this.inner.onBodySent?.(chunk);
  }

  /** The request went out whole: the transport needs it to tell whether a write may have arrived. */
  onRequestSent(): void {
    this.inner.onRequestSent?.();
  }

  onResponseStart(
    controller: Controller,
    statusCode: number,
    headers: Headers,
    statusMessage?: string,
  ): void {
    this.inner.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    this.inner.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Controller, trailers: Headers): void {
    this.inner.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Controller, error: Error): void {
    this.inner.onResponseError?.(controller, error);
  }
}

/** Reports a failure that happened before the attempt reached the wire (undici passes no controller then). */
function failBeforeDispatch(handler: Handler, err: unknown): void {
  const error = err instanceof Error ? err : new Error(String(err));
  handler.onResponseError?.(null as unknown as Controller, error);
}

/**
 * Releases the attempt's slot as soon as its status is known (the server is done with it), telling the
 * limiter how it ended and, for a 429, its `Retry-After`.
 */
class PermitHandler extends ForwardingHandler {
  constructor(
    inner: Handler,
    private readonly permit: Permit,
    private readonly now: () => number,
  ) {
    super(inner);
  }

  override onResponseStart(
    controller: Controller,
    statusCode: number,
    headers: Headers,
    statusMessage?: string,
  ): void {
    if (statusCode === 429) {
      const retryAfterMs = parseRetryAfterMs(headers["retry-after"], this.now());
      this.permit.release("throttled", retryAfterMs !== undefined ? { retryAfterMs } : undefined);
    } else if (statusCode >= 200) {
      const outcome: AttemptOutcome = statusCode >= 500 ? "failed" : "accepted";
      this.permit.release(outcome);
    }
    super.onResponseStart(controller, statusCode, headers, statusMessage);
  }

  override onResponseError(controller: Controller, error: Error): void {
    this.permit.release("failed");
    super.onResponseError(controller, error);
  }
}

/**
 * Each attempt waits for a slot of the tenant's {@link Limiter} and reports how it ended (a 429 lowers
 * the allowed rate; its `Retry-After` pauses every start). Every attempt passes through it, so a retry
 * waits its turn like a new request.
 */
export function limiterInterceptor(
  limiter: Limiter,
  now: () => number = Date.now,
): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    limiter.acquire().then(
      (permit) => {
        try {
          dispatch(opts, new PermitHandler(handler, permit, now));
        } catch (err) {
          permit.release("failed");
          failBeforeDispatch(handler, err);
        }
      },
      (err: unknown) => failBeforeDispatch(handler, err),
    );
    return true;
  };
}

/** Tells the {@link RequestAuth} when the API refused the headers it produced. */
class RefusalHandler extends ForwardingHandler {
  constructor(
    inner: Handler,
    private readonly auth: RequestAuth,
    private readonly sent: Record<string, string>,
  ) {
    super(inner);
  }

  override onResponseStart(
    controller: Controller,
    statusCode: number,
    headers: Headers,
    statusMessage?: string,
  ): void {
    if (statusCode === 401 || statusCode === 403) this.auth.refused(this.sent);
    super.onResponseStart(controller, statusCode, headers, statusMessage);
  }
}

function withHeaders(headers: Dispatcher.DispatchOptions["headers"], extra: Record<string, string>) {
  if (headers == null) return { ...extra };
  if (Array.isArray(headers)) return [...(headers as string[]), ...Object.entries(extra).flat()];
  if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === "function") {
    return [...(headers as Iterable<[string, string | string[] | undefined]>), ...Object.entries(extra)];
  }
  return { ...(headers as Record<string, string | string[] | undefined>), ...extra };
}

/**
 * Why an attempt's credentials could not be produced: a {@link SecurIdError} (a token endpoint that
 * failed, a key refused) as is; anything else comes from signing with the key, a key problem, never to
 * be reported as a connection failure.
 */
function credentialsError(err: unknown): Error {
  if (isSecurIdError(err)) return err;
  return new InvalidKeyError(`The request cannot be signed with the configured key (${cryptoReason(err)}).`, {
    hint: "Check the key (securid:apiKey, securid:apiKeyFile or securid:oauthPrivateKey); generate a new one in the Cloud Administration Console if needed.",
  });
}

/** Adds the credentials of {@link RequestAuth} to each attempt (a token is fetched per attempt). */
export function authInterceptor(auth: RequestAuth): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    auth.headers().then(
      (sent) => {
        try {
          dispatch(
            { ...opts, headers: withHeaders(opts.headers, sent) },
            new RefusalHandler(handler, auth, sent),
          );
        } catch (err) {
          failBeforeDispatch(handler, err);
        }
      },
      (err: unknown) => failBeforeDispatch(handler, credentialsError(err)),
    );
    return true;
  };
}
