import assert from "node:assert/strict";
import { z } from "zod";
import { AuthFailedError, ConnectionError } from "../../src/errors";
import { Limiter } from "../../src/client/limiter";
import { bearerTokenAuth, staticAuth } from "../../src/client/request-auth";
import { createTransport, type TransportOptions } from "../../src/client/transport";
import type { ClientEvent } from "../../src/client/events";
import { BASE, BASE_URL, CountingTokens, FakeClock, mockAgent } from "./helpers";

const PATH = "/AdminInterface/restapi/v1/users/lookup";
const schema = z.object({ id: z.string(), userStatus: z.string().optional() });

const withCode = (code: string) => Object.assign(new Error(`socket error ${code}`), { code });

function setup(extra: Partial<TransportOptions> = {}) {
  const clock = new FakeClock();
  const agent = mockAgent();
  const tokens = new CountingTokens();
  const events: ClientEvent[] = [];
  const transport = createTransport({
    baseUrl: BASE_URL,
    auth: bearerTokenAuth(tokens, () => "Check the key's role."),
    service: "CAS",
    configPrefix: "securid",
    dispatcher: agent,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0.5,
    onEvent: (e) => events.push(e),
    ...extra,
  });
  const pool = agent.get(BASE);
  const lookup = () =>
    transport.request({
      method: "POST",
      path: "/v1/users/lookup",
      body: { email: "a@b.c", searchUnsynched: false },
      schema,
      operation: "look up CAS user a@b.c",
      user: "a@b.c",
    });
  const intercept = () => pool.intercept({ path: PATH, method: "POST" });
  const calls = () => agent.getCallHistory()!.calls();
  return { clock, agent, tokens, events, transport, pool, lookup, intercept, calls };
}

function hasCode(code: string, pattern?: RegExp) {
  return (err: Error & { code?: string }) => {
    assert.equal(err.code, code, err.message);
    if (pattern) assert.match(err.message, pattern);
    return true;
  };
}

describe("client/transport", () => {
  it("sends JSON with auth, accept and user-agent headers", async () => {
    const { lookup, intercept, calls } = setup();
    intercept().reply(200, { id: "u1" });
    assert.deepEqual(await lookup(), { id: "u1" });
    const call = calls()[0];
    assert.equal(call.headers!["authorization"], "Bearer token-1");
    assert.equal(call.headers!["content-type"], "application/json");
    assert.equal(call.headers!["accept"], "application/json");
    assert.match(String(call.headers!["user-agent"]), /^pulumi-securid\/\d+\.\d+\.\d+/);
    assert.deepEqual(JSON.parse(String(call.body)), { email: "a@b.c", searchUnsynched: false });
  });

  it("retries 5xx with exponential backoff and full jitter, then succeeds", async () => {
    const { lookup, intercept, clock, events, calls } = setup();
    intercept().reply(503, { code: "503", description: "busy" });
    intercept().reply(500, "");
    intercept().reply(502, "");
    intercept().reply(200, { id: "u1" });
    assert.deepEqual(await lookup(), { id: "u1" });
    assert.equal(calls().length, 4);
    // random 0.5: retry n waits 250 + 0.5 × (min(20000, 250 × 2^n) − 250)
    assert.deepEqual(clock.sleeps, [375, 625, 1125]);
    assert.deepEqual(
      events.filter((e) => e.type === "retry").map((e) => e.type === "retry" && [e.attempt, e.reason]),
      [
        [2, "503"],
        [3, "500"],
        [4, "502"],
      ],
    );
  });

  it("honours Retry-After (seconds and HTTP date) on 429", async () => {
    const { lookup, intercept, clock } = setup();
    intercept().reply(429, "", { headers: { "retry-after": "3" } });
    // an HTTP date 5 s after the moment of the second answer (3 s from now)
    intercept().reply(429, "", { headers: { "retry-after": new Date(clock.t + 8000).toUTCString() } });
    intercept().reply(200, { id: "u1" });
    await lookup();
    assert.deepEqual(clock.sleeps, [3000, 5000]);
  });

  it("gives up after maxRetries with RateLimitedError and a hint", async () => {
    const { lookup, intercept, clock, calls } = setup({ maxRetries: 3 });
    intercept().reply(429, { code: "429 TOO_MANY_REQUESTS", description: "Too many requests" }).times(4);
    await assert.rejects(
      lookup(),
      hasCode(
        "ERR_RATE_LIMITED",
        /^Cannot look up CAS user a@b.c: CAS answered 429 \(Too many requests\) after 4 attempts.*securid:maxConcurrency.*securid:maxRequestsPerSecond/,
      ),
    );
    assert.equal(calls().length, 4);
    assert.equal(clock.sleeps.length, 3);
  });

  it("retries dropped connections, and stops early on a refused one", async () => {
    const a = setup();
    a.intercept().replyWithError(withCode("ECONNRESET")).times(2);
    a.intercept().reply(200, { id: "u1" });
    assert.deepEqual(await a.lookup(), { id: "u1" });
    assert.equal(a.calls().length, 3);

    const b = setup();
    b.intercept().replyWithError(withCode("ECONNREFUSED")).persist();
    await assert.rejects(
      b.lookup(),
      hasCode("ERR_CONNECTION", /cannot reach tenant.access.securid.com \(ECONNREFUSED\) after 3 attempts/),
    );
    assert.equal(b.calls().length, 3);
  });

  it("reports a timeout with the knob to raise", async () => {
    const { lookup, intercept, calls } = setup({ requestTimeoutSeconds: 12 });
    intercept().replyWithError(withCode("UND_ERR_HEADERS_TIMEOUT")).persist();
    await assert.rejects(
      lookup(),
      hasCode(
        "ERR_TIMEOUT",
        /no answer from tenant.access.securid.com within 12 s \(securid:requestTimeoutSeconds\) after 2 attempts/,
      ),
    );
    assert.equal(calls().length, 2);
  });

  it("names the proxy (without its credentials) when a connection fails through it", async () => {
    const { lookup, intercept } = setup({ proxy: { httpsProxy: "http://me:s3cret@proxy.corp:3128" } });
    intercept().replyWithError(withCode("ENOTFOUND"));
    await assert.rejects(lookup(), (err: Error) => {
      assert.match(err.message, /through the proxy proxy.corp:3128/);
      assert.ok(!err.message.includes("s3cret"));
      return true;
    });
  });

  const refusals: [number, string][] = [
    [400, "ERR_BAD_REQUEST"],
    [404, "ERR_USER_NOT_FOUND"],
    [409, "ERR_CONFLICT"],
    [415, "ERR_BAD_REQUEST"],
  ];
  for (const [status, code] of refusals) {
    it(`does not retry ${status}: ${code} at once`, async () => {
      const { lookup, intercept, calls, clock } = setup();
      intercept().reply(status, { code: `${status}`, description: "nope" });
      await assert.rejects(
        lookup(),
        hasCode(code, new RegExp(`^Cannot look up CAS user a@b.c: CAS answered ${status} \\(nope\\)`)),
      );
      assert.equal(calls().length, 1);
      assert.deepEqual(clock.sleeps, []);
    });
  }

  it("on 401 renews the token and retries once", async () => {
    const { lookup, intercept, calls, tokens } = setup();
    intercept().reply(401, {
      timestamp: 1,
      status: 401,
      error: "Unauthorized",
      message: "expired",
      path: PATH,
    });
    intercept().reply(200, { id: "u1" });
    assert.deepEqual(await lookup(), { id: "u1" });
    assert.deepEqual(
      calls().map((c) => c.headers!["authorization"]),
      ["Bearer token-1", "Bearer token-2"],
    );
    assert.deepEqual(tokens.invalidated, ["token-1"]);
  });

  it("fails with AuthFailedError when a fresh token is refused too", async () => {
    const { lookup, intercept, calls } = setup();
    intercept()
      .reply(403, { timestamp: 1, status: 403, error: "Forbidden", message: "Access Denied", path: PATH })
      .times(2);
    await assert.rejects(lookup(), (err: Error & { code?: string; status?: number; apiMessage?: string }) => {
      assert.equal(err.code, "ERR_AUTH_FAILED");
      assert.equal(err.status, 403);
      assert.equal(err.apiMessage, "Access Denied");
      assert.match(
        err.message,
        /CAS answered 403 \(Access Denied\) after 2 attempts: the credentials were refused. Check the key's role./,
      );
      assert.ok(!err.message.includes("token-"));
      return true;
    });
    assert.equal(calls().length, 2);
  });

  it("does not repeat a refused request with static credentials", async () => {
    const { lookup, intercept, calls } = setup({
      auth: staticAuth({ authorization: "Basic eDp5" }, "Check nexus:password."),
    });
    intercept().reply(401, "");
    await assert.rejects(lookup(), hasCode("ERR_AUTH_FAILED", /Check nexus:password/));
    assert.equal(calls().length, 1);
    assert.equal(calls()[0].headers!["authorization"], "Basic eDp5");
  });

  it("reports an unexpected answer by field, without the value", async () => {
    const { lookup, intercept } = setup();
    intercept().reply(200, { id: 12345678, userStatus: "Enabled" });
    await assert.rejects(lookup(), (err: Error & { code?: string }) => {
      assert.equal(err.code, "ERR_INVALID_RESPONSE");
      assert.match(err.message, /id: Invalid input: expected string, received number/);
      assert.ok(!err.message.includes("12345678"));
      return true;
    });
  });

  it("reports malformed JSON served as application/json", async () => {
    const { lookup, intercept } = setup();
    intercept().reply(200, '{"id": "u1", "userStatus": ', {
      headers: { "content-type": "application/json" },
    });
    await assert.rejects(
      lookup(),
      hasCode(
        "ERR_INVALID_RESPONSE",
        /^Cannot look up CAS user a@b.c: CAS answered 200 with malformed JSON \(cut short/,
      ),
    );
  });

  it("reports an HTML page instead of JSON", async () => {
    const { lookup, intercept } = setup();
    intercept().reply(200, "<!DOCTYPE html><html><body>Sign in</body></html>", {
      headers: { "content-type": "text/html" },
    });
    await assert.rejects(
      lookup(),
      hasCode("ERR_INVALID_RESPONSE", /answered 200 with an HTML page \(probably from a proxy/),
    );
  });

  it("returns allowEmpty for an empty body, and refuses an empty body otherwise", async () => {
    const { transport, pool, lookup, intercept } = setup();
    pool
      .intercept({ path: "/AdminInterface/restapi/v1/users/search?pageSize=5", method: "POST" })
      .reply(200, "");
    const found = await transport.request({
      method: "POST",
      path: "/v1/users/search",
      query: { pageSize: 5 },
      body: { emailLike: "a" },
      schema: z.array(schema),
      allowEmpty: [],
      operation: "search",
    });
    assert.deepEqual(found, []);
    intercept().reply(200, "");
    await assert.rejects(lookup(), hasCode("ERR_INVALID_RESPONSE", /answered 200 with an empty body/));
  });

  it("lets each attempt wait for a limiter slot and feeds 429s to it", async () => {
    const clock = new FakeClock();
    const throttles: ClientEvent[] = [];
    const limiter = new Limiter({
      maxConcurrency: 2,
      now: clock.now,
      sleep: clock.sleep,
      onEvent: (e) => throttles.push(e),
    });
    const { lookup, intercept } = setup({ limiter, now: clock.now, sleep: clock.sleep });
    let maxInFlight = 0;
    const observe = (status: number) => () => {
      maxInFlight = Math.max(maxInFlight, limiter.stats().inFlight);
      return { statusCode: status, data: status === 200 ? { id: "u" } : "" };
    };
    intercept().reply(observe(429)).times(3);
    intercept().reply(observe(200)).times(6);
    await Promise.all(Array.from({ length: 6 }, () => lookup()));
    assert.equal(maxInFlight, 2);
    const stats = limiter.stats();
    assert.equal(stats.throttleEvents, 3);
    assert.equal(stats.inFlight, 0);
    assert.equal(stats.queued, 0);
    assert.equal(throttles[0].type, "throttle");
  });

  it("with a limiter, a first 429 queues again at once (the limiter paces it, and holds it for a Retry-After); a repeated one backs off", async () => {
    const clock = new FakeClock();
    const limiter = new Limiter({ maxConcurrency: 2, now: clock.now, sleep: clock.sleep });
    const { lookup, intercept, events } = setup({ limiter, now: clock.now, sleep: clock.sleep });
    intercept().reply(429, "");
    intercept().reply(429, "", { headers: { "retry-after": "2" } });
    intercept().reply(429, "");
    intercept().reply(200, { id: "u1" });
    const t0 = clock.t;
    await lookup();
    const retries = events.filter((e) => e.type === "retry");
    assert.deepEqual(
      retries.map((e) => e.type === "retry" && [e.delayMs, e.retryAfter]),
      [
        [0, false],
        [0, true],
        [1500, false], // third 429: in the upper half of 250 × 2³, 1000 + 0.5 × 1000
      ],
    );
    // the limiter held every start for the Retry-After
    assert.ok(clock.t - t0 >= 2000 + 1500, `${clock.t - t0} ms`);
    assert.equal(limiter.stats().throttleEvents, 3);
  });

  it("keeps separate budgets for 429s and for failures: a storm of 429s leaves the retries for 5xx", async () => {
    const a = setup({ maxRetries: 2 });
    a.intercept().reply(429, "").times(2);
    a.intercept().reply(503, "").times(2);
    a.intercept().reply(200, { id: "u1" });
    assert.deepEqual(await a.lookup(), { id: "u1" });
    assert.equal(a.calls().length, 5);

    const b = setup({ maxRetries: 2 });
    b.intercept().reply(503, "").times(2);
    b.intercept().reply(429, "").times(3);
    await assert.rejects(b.lookup(), hasCode("ERR_RATE_LIMITED", /after 5 attempts/));

    const c = setup({ maxRetries: 2 });
    c.intercept().reply(429, "");
    c.intercept().reply(502, "").times(3);
    await assert.rejects(
      c.lookup(),
      hasCode("ERR_SERVER", /CAS answered 502 with an empty body after 4 attempts/),
    );
  });

  it("a repeated 429 waits in the upper half of its backoff ceiling, so a burst of 429s cannot use up the retries", async () => {
    const { lookup, intercept, clock } = setup({ random: () => 0 });
    intercept().reply(429, "").times(6);
    intercept().reply(200, { id: "u1" });
    await lookup();
    // ceilings 500, 1000, 2000, 4000, 8000, 16000; never below half (a 5xx with random 0 waits 250 each time)
    assert.deepEqual(clock.sleeps, [250, 500, 1000, 2000, 4000, 8000]);
  });

  it("never retries sooner than the backoff, whatever Retry-After says (0, or a few ms)", async () => {
    const { lookup, intercept, clock, events } = setup();
    intercept().reply(429, "", { headers: { "retry-after": "0" } });
    intercept().reply(503, "", { headers: { "retry-after": "0.001" } });
    intercept().reply(429, "", { headers: { "retry-after": "0" } });
    intercept().reply(200, { id: "u1" });
    await lookup();
    // backoffs from 250 ms, jitter 0.5: 429 #1 375, 503 #1 375, 429 #2 500 + 0.5 × 500
    assert.deepEqual(clock.sleeps, [375, 375, 750]);
    assert.ok(events.every((e) => e.type !== "retry" || !e.retryAfter));
  });

  it("with a limiter, a repeated 429 with Retry-After: 0 backs off instead of queueing again at once", async () => {
    const clock = new FakeClock();
    const limiter = new Limiter({ maxConcurrency: 2, now: clock.now, sleep: clock.sleep });
    const { lookup, intercept, events } = setup({ limiter, now: clock.now, sleep: clock.sleep });
    intercept()
      .reply(429, "", { headers: { "retry-after": "0" } })
      .times(3);
    intercept().reply(200, { id: "u1" });
    await lookup();
    assert.deepEqual(
      events.filter((e) => e.type === "retry").map((e) => e.type === "retry" && e.delayMs),
      [0, 750, 1500],
    );
  });

  describe("writes", () => {
    const HINT =
      "The change may have been applied all the same: `pulumi refresh` shows the user's current status in CAS.";
    function write(t: ReturnType<typeof setup>) {
      return () =>
        t.transport.request({
          method: "PUT",
          path: "/v1/users/u1/userStatus",
          body: { userStatus: "Disabled" },
          schema,
          operation: "set CAS user a@b.c to Disabled",
          user: "a@b.c",
          maybeAppliedHint: HINT,
        });
    }
    const intercept = (t: ReturnType<typeof setup>) =>
      t.pool.intercept({ path: "/AdminInterface/restapi/v1/users/u1/userStatus", method: "PUT" });

    it("5xx after every retry: maybeApplied, and the message says the change may have been applied", async () => {
      const t = setup({ maxRetries: 1 });
      const put = write(t);
      intercept(t).reply(503, { code: "503", description: "busy" }).times(2);
      await assert.rejects(put(), (err: Error & { code?: string; maybeApplied?: boolean }) => {
        assert.equal(err.code, "ERR_SERVER");
        assert.equal(err.maybeApplied, true);
        assert.match(
          err.message,
          /^Cannot set CAS user a@b.c to Disabled: CAS answered 503 \(busy\) after 2 attempts\. CAS is failing; try again later, and report it to its support if it persists\. The change may have been applied all the same: `pulumi refresh` shows the user's current status in CAS\.$/,
        );
        return true;
      });
    });

    it("a 2xx whose body cannot be read: maybeApplied", async () => {
      const t = setup();
      const put = write(t);
      intercept(t).reply(200, '{"id": "u1", "userSt', { headers: { "content-type": "application/json" } });
      await assert.rejects(put(), (err: Error & { code?: string; maybeApplied?: boolean }) => {
        assert.equal(err.code, "ERR_INVALID_RESPONSE");
        assert.equal(err.maybeApplied, true);
        assert.ok(err.message.includes(HINT), err.message);
        return true;
      });
    });

    it("a token that cannot be had for the retry of an uncertain write: its error, with maybeApplied", async () => {
      let calls = 0;
      const tokenDown = new ConnectionError(
        "Cannot get an access token: cannot reach auth.example (ECONNREFUSED).",
        { hint: "Check securid:oauthTokenUrl." },
      );
      const t = setup({
        maxRetries: 2,
        auth: {
          renewable: true,
          headers: () =>
            ++calls === 1 ? Promise.resolve({ authorization: "Bearer t1" }) : Promise.reject(tokenDown),
          refused: () => undefined,
          refusedHint: () => "",
        },
      });
      intercept(t).reply(503, { code: "503", description: "busy" });
      await assert.rejects(write(t)(), (err: Error & { code?: string; maybeApplied?: boolean }) => {
        assert.equal(err.code, "ERR_CONNECTION");
        assert.equal(err.maybeApplied, true);
        assert.equal(
          err.message,
          `Cannot get an access token: cannot reach auth.example (ECONNREFUSED). Check securid:oauthTokenUrl. ${HINT}`,
        );
        return true;
      });
      assert.equal(t.calls().length, 1, "the retry was never sent");
    });

    it("a token that cannot be had before anything was sent: its error as it is", async () => {
      const tokenDown = new ConnectionError("Cannot get an access token.", { hint: "Check it." });
      const t = setup({
        auth: {
          renewable: true,
          headers: () => Promise.reject(tokenDown),
          refused: () => undefined,
          refusedHint: () => "",
        },
      });
      await assert.rejects(write(t)(), (err) => err === tokenDown);
    });

    const certain: [string, (t: ReturnType<typeof setup>) => void, string][] = [
      ["a 400", (t) => void intercept(t).reply(400, { code: "400", description: "bad" }), "ERR_BAD_REQUEST"],
      ["a 409", (t) => void intercept(t).reply(409, { code: "409", description: "no" }), "ERR_CONFLICT"],
      ["401 twice", (t) => void intercept(t).reply(401, "").times(2), "ERR_AUTH_FAILED"],
      ["403 twice", (t) => void intercept(t).reply(403, "").times(2), "ERR_AUTH_FAILED"],
      [
        "a connection refused before sending",
        (t) => void intercept(t).replyWithError(withCode("ECONNREFUSED")).persist(),
        "ERR_CONNECTION",
      ],
      ["429s only", (t) => void intercept(t).reply(429, "").persist(), "ERR_RATE_LIMITED"],
    ];
    for (const [what, reply, code] of certain) {
      it(`${what}: ${code} without maybeApplied (the write certainly was not made)`, async () => {
        const t = setup({ maxRetries: 1 });
        const put = write(t);
        reply(t);
        await assert.rejects(put(), (err: Error & { code?: string; maybeApplied?: boolean }) => {
          assert.equal(err.code, code, err.message);
          assert.equal(err.maybeApplied, undefined);
          assert.doesNotMatch(err.message, /may have been applied/);
          return true;
        });
      });
    }
  });

  it("surfaces a failure to get a token as is", async () => {
    const tokens = new CountingTokens();
    tokens.getToken = () => Promise.reject(new AuthFailedError("Cannot get an OAuth access token"));
    const { lookup, calls } = setup({ auth: bearerTokenAuth(tokens, () => "") });
    await assert.rejects(lookup(), hasCode("ERR_AUTH_FAILED", /Cannot get an OAuth access token/));
    assert.equal(calls().length, 0);
  });
});
