import type { IncomingHttpHeaders } from "node:http";
import type { Dispatcher } from "undici";

/**
 * How one attempt of a request ended. An attempt is a whole request and its whole answer: a retry sends
 * the request again from the start, never a `Range` continuation of a cut answer (undici's retry
 * handler resumes a 2xx answer cut mid-body by re-sending the request with `Range`, which for a write
 * applies it again and then fails on the full answer).
 */
export type AttemptResult =
  | { kind: "answer"; status: number; headers: IncomingHttpHeaders; text: string }
  | {
      kind: "error";
      error: Error;
      /**
       * The request was written out whole before the failure: the API may have received and processed
       * it (a connection dropped or reset while waiting, a timeout, an answer cut off). `false`: the
       * request certainly did not reach the API (connection refused, DNS, TLS, connect timeout).
       */
      sent: boolean;
      /** The answer's status, when the failure cut its body short. */
      status?: number;
    };

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/** Sends one attempt through `dispatcher` and reads its whole answer. Never rejects. */
export function sendAttempt(
  dispatcher: Dispatcher,
  opts: Dispatcher.DispatchOptions,
): Promise<AttemptResult> {
  return new Promise<AttemptResult>((resolve) => {
    const chunks: Buffer[] = [];
    let sent = false;
    let status: number | undefined;
    let headers: IncomingHttpHeaders = {};
    let settled = false;
    const settle = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart: () => undefined,
      onRequestSent: () => {
        sent = true;
      },
      onResponseStart: (_controller, statusCode, responseHeaders) => {
        if (statusCode < 200) return; // 1xx: the answer is still to come
        status = statusCode;
        headers = responseHeaders;
      },
      onResponseData: (_controller, chunk) => {
        chunks.push(chunk);
      },
      onResponseEnd: () => {
        settle({
          kind: "answer",
          status: status ?? 0,
          headers,
          text: Buffer.concat(chunks).toString("utf8"),
        });
      },
      onResponseError: (_controller, error) => {
        settle({
          kind: "error",
          error: asError(error),
          // An answer (even cut) means the request arrived.
          sent: sent || status !== undefined,
          ...(status !== undefined && { status }),
        });
      },
    };
    try {
      dispatcher.dispatch(opts, handler);
    } catch (err) {
      settle({ kind: "error", error: asError(err), sent: false });
    }
  });
}
