import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { bearerTokenAuth } from "../../src/client/request-auth";
import { createBaseDispatcher, createTransport } from "../../src/client/transport";
import { CountingTokens, FakeClock } from "./helpers";

/** Retries, timeouts and refused connections over real sockets (127.0.0.1 only). */
describe("client/transport over real sockets", () => {
  const servers: Server[] = [];
  after(() => servers.forEach((s) => s.close()));

  async function serve(
    handler: (body: string, res: ServerResponse, headers: IncomingHttpHeaders) => void,
  ): Promise<number> {
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => handler(body, res, req.headers));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return (server.address() as AddressInfo).port;
  }

  function transport(port: number, requestTimeoutSeconds = 30) {
    const clock = new FakeClock();
    const dispatcher = createBaseDispatcher({ requestTimeoutSeconds, connectTimeoutMs: 2000 });
    const t = createTransport({
      baseUrl: `http://127.0.0.1:${port}/api`,
      auth: bearerTokenAuth(new CountingTokens(), () => ""),
      service: "CAS",
      configPrefix: "securid",
      dispatcher,
      requestTimeoutSeconds,
      now: clock.now,
      sleep: clock.sleep,
    });
    const call = () =>
      t.request({
        method: "POST",
        path: "/v1/users/lookup",
        body: { email: "a@b.c" },
        schema: z.object({ id: z.string() }),
        operation: "look up CAS user a@b.c",
      });
    const put = () =>
      t.request({
        method: "PUT",
        path: "/v1/users/u1/userStatus",
        body: { userStatus: "Disabled" },
        schema: z.object({ id: z.string(), userStatus: z.string() }),
        operation: "set CAS user a@b.c to Disabled",
        maybeAppliedHint: "The change may have been applied all the same.",
      });
    return { call, put, clock, close: () => dispatcher.close() };
  }

  /** Sends the status line, headers and half of `body`, then destroys the socket. */
  function cut(res: ServerResponse, body: string) {
    res.writeHead(200, { "content-type": "application/json", "content-length": String(body.length) });
    res.write(body.slice(0, body.length / 2), () => res.socket?.destroy());
  }

  it("re-sends a write whose answer was cut mid-body whole: same body, no Range or If-Match", async () => {
    const seen: { body: string; headers: IncomingHttpHeaders }[] = [];
    const port = await serve((body, res, headers) => {
      seen.push({ body, headers });
      const answer = '{"id":"u1","userStatus":"Disabled"}';
      if (seen.length === 1) cut(res, answer);
      else res.writeHead(200, { "content-type": "application/json", etag: '"v1"' }).end(answer);
    });
    const { put, close } = transport(port);
    assert.deepEqual(await put(), { id: "u1", userStatus: "Disabled" });
    assert.equal(seen.length, 2);
    for (const { body, headers } of seen) {
      assert.equal(body, '{"userStatus":"Disabled"}');
      assert.equal(headers.range, undefined);
      assert.equal(headers["if-match"], undefined);
    }
    await close();
  });

  it("a write that got no answer, then a refused connection: maybeApplied (the first may have been made)", async () => {
    let count = 0;
    const port = await serve((_body, res) => {
      count += 1;
      res.socket?.destroy();
      servers.pop()!.close();
    });
    const { put, close } = transport(port);
    await assert.rejects(put(), (err: Error & { code?: string; maybeApplied?: boolean }) => {
      assert.equal(err.code, "ERR_CONNECTION");
      assert.equal(err.maybeApplied, true);
      assert.match(
        err.message,
        /cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\) after 3 attempts\. Check the network.* The change may have been applied all the same\.$/,
      );
      return true;
    });
    assert.equal(count, 1);
    await close();
  });

  it("a write whose connection is refused every time: no maybeApplied", async () => {
    const port = await serve(() => undefined);
    servers.pop()!.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const { put, close } = transport(port);
    await assert.rejects(put(), (err: Error & { code?: string; maybeApplied?: boolean }) => {
      assert.equal(err.code, "ERR_CONNECTION");
      assert.equal(err.maybeApplied, undefined);
      assert.doesNotMatch(err.message, /may have been applied/);
      return true;
    });
    await close();
  });

  it("re-sends the same body after a 503 and reads the final answer", async () => {
    const bodies: string[] = [];
    const port = await serve((body, res) => {
      bodies.push(body);
      res.writeHead(bodies.length === 1 ? 503 : 200, { "content-type": "application/json" });
      res.end(bodies.length === 1 ? '{"code":"503","description":"busy"}' : '{"id":"u1"}');
    });
    const { call, clock, close } = transport(port);
    assert.deepEqual(await call(), { id: "u1" });
    assert.deepEqual(bodies, ['{"email":"a@b.c"}', '{"email":"a@b.c"}']);
    assert.equal(clock.sleeps.length, 1);
    await close();
  });

  it("hands over the last 500 with its message once retries are exhausted", async () => {
    let count = 0;
    const port = await serve((_body, res) => {
      count += 1;
      res.writeHead(500, { "content-type": "application/json" });
      res.end('{"code":"500 INTERNAL_SERVER_ERROR","description":"database unavailable"}');
    });
    const { call, close } = transport(port);
    await assert.rejects(call(), /CAS answered 500 \(database unavailable\) after 7 attempts/);
    assert.equal(count, 7);
    await close();
  });

  it("stops after a few refused connections", async () => {
    const port = await serve(() => undefined);
    servers.pop()!.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const { call, clock, close } = transport(port);
    await assert.rejects(call(), (err: Error & { code?: string }) => {
      assert.equal(err.code, "ERR_CONNECTION");
      assert.match(
        err.message,
        new RegExp(`cannot reach 127.0.0.1:${port} \\(ECONNREFUSED\\) after 3 attempts`),
      );
      return true;
    });
    assert.equal(clock.sleeps.length, 2);
    await close();
  });

  it("times out when no answer comes", async () => {
    let count = 0;
    const port = await serve(() => void (count += 1));
    const { call, close } = transport(port, 0.2);
    await assert.rejects(call(), (err: Error & { code?: string }) => {
      assert.equal(err.code, "ERR_TIMEOUT");
      assert.match(
        err.message,
        /no answer from 127.0.0.1:\d+ within 0.2 s \(securid:requestTimeoutSeconds\) after 2 attempts/,
      );
      return true;
    });
    assert.equal(count, 2);
    await close();
  });
});
