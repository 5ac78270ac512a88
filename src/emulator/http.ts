/** HTTP plumbing shared by the routes: replies as values, body reading, JSON and media types. */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { Api, Operation, RequestLogEntry } from "./types";

/** An answer, built by a route and sent (or withheld) by the dispatcher. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Absent: an empty body (`Content-Length: 0`). */
  body?: string;
}

/** What a route handler gets. */
export interface RequestContext {
  method: string;
  /** Raw path, without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Log fields the handler fills in. */
  note: Pick<RequestLogEntry, "userId" | "email" | "tokenId">;
}

/** A matched route. */
export interface Route {
  api: Api;
  operation: Operation;
  write: boolean;
  handle(ctx: RequestContext): Reply | Promise<Reply>;
}

export const MAX_BODY_BYTES = 1024 * 1024;

export function json(status: number, value: unknown, contentType = "application/json"): Reply {
  return { status, headers: { "content-type": contentType }, body: JSON.stringify(value) };
}

export function html(status: number, page: string): Reply {
  return { status, headers: { "content-type": "text/html; charset=utf-8" }, body: page };
}

export function sendReply(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.writableEnded) return;
  const body = reply.body ?? "";
  res.writeHead(reply.status, { ...reply.headers, "content-length": String(Buffer.byteLength(body)) });
  res.end(body);
}

/**
 * Sends the status line, the headers (announcing the whole body) and the first half of the body, then
 * destroys the socket: an answer cut mid-body. A reply without a body is cut before its headers.
 */
export function sendCutReply(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.writableEnded) return;
  const body = Buffer.from(reply.body ?? "", "utf8");
  if (body.length < 2) {
    res.socket?.destroy();
    return;
  }
  res.writeHead(reply.status, { ...reply.headers, "content-length": String(body.length) });
  res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
}

/** Reads the whole body; `undefined` when it exceeds {@link MAX_BODY_BYTES}. */
export function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooBig = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(tooBig ? undefined : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** True when the Content-Type is `application/json` (parameters such as charset allowed). */
export function isJsonContentType(headers: IncomingHttpHeaders): boolean {
  const type = headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
  return type === "application/json" || (type !== undefined && /^application\/[\w.+-]*\+json$/.test(type));
}

export type Parsed = { ok: true; value: unknown } | { ok: false };

export function parseJson(body: Buffer): Parsed {
  try {
    return { ok: true, value: JSON.parse(body.toString("utf8")) as unknown };
  } catch {
    return { ok: false };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** One header's value (first one when repeated), looked up case-insensitively as Node does. */
export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** The bearer token of an `Authorization` header, if any. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header(headers, "authorization") ?? "");
  return match?.[1];
}

/** Splits a raw path into decoded segments; `undefined` when a segment is badly encoded. */
export function segments(path: string): string[] | undefined {
  try {
    return path.split("/").map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}
