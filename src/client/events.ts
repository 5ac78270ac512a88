/**
 * What the client reports through the optional `onEvent` hook. The client logs nothing by itself;
 * events carry no header, token or key.
 */
export type ClientEvent =
  | {
      type: "retry";
      /** What was being done, e.g. `look up CAS user a@b.c`. */
      operation: string;
      /** The attempt about to be made (2 for the first retry). */
      attempt: number;
      /** The wait before it. */
      delayMs: number;
      /** The status (`"429"`, `"503"`) or error code (`"ECONNRESET"`) that caused it. */
      reason: string;
      /** Whether the delay came from a `Retry-After` header. */
      retryAfter: boolean;
    }
  | {
      type: "throttle";
      /** The allowed rate after this 429, requests per second. */
      requestsPerSecond: number;
      /** 429s seen so far by this limiter. */
      throttleEvents: number;
    }
  | {
      type: "token";
      kind: "legacy" | "oauth";
      /** Tokens minted so far by this source. */
      mintedCount: number;
    };

/** Receives {@link ClientEvent}s. Must not throw. */
export type EventSink = (event: ClientEvent) => void;

/** Calls `sink`, ignoring its failures (an observer must not break a request). */
export function emit(sink: EventSink | undefined, event: ClientEvent): void {
  if (!sink) return;
  try {
    sink(event);
  } catch {
    // ignored
  }
}
