import assert from "node:assert/strict";
import { request } from "node:http";
import { startEmulator, type Emulator } from "../../src/emulator";
import { prng } from "../../src/emulator/faults";
import { accessToken, cas, jsonOf, legacyJwt } from "./helpers";

describe("emulator: rate limits, faults and latency", () => {
  let emulator: Emulator;
  let token: string;
  const email = "jane.doe@example.com";

  before(async () => {
    emulator = await startEmulator({ users: [{ id: "u-jane", emailAddress: email }] });
    token = await legacyJwt(emulator);
  });
  after(() => emulator.close());
  afterEach(() => {
    emulator.setRateLimit(undefined);
    emulator.setFaults(undefined);
    emulator.setLatency(0);
    emulator.updateUserOutOfBand("u-jane", { userStatus: "Enabled" });
    emulator.clearRequests();
  });

  const lookup = () => cas(emulator, "lookup", { token, body: { email } });
  const disable = () =>
    cas(emulator, "u-jane/userStatus", { token, method: "PUT", body: { userStatus: "Disabled" } });

  describe("rate limit", () => {
    it("answers 429 over the burst, without Retry-After unless configured, and applies nothing", async () => {
      emulator.setRateLimit({ requestsPerSecond: 0.001, burst: 2 });
      assert.equal((await lookup()).status, 200);
      assert.equal((await lookup()).status, 200);
      const limited = await disable();
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get("retry-after"), null);
      assert.deepEqual(await jsonOf(limited), {
        code: "429 TOO_MANY_REQUESTS",
        description: "Too many requests",
      });
      assert.equal(emulator.getUser("u-jane")!.userStatus, "Enabled");
      assert.equal(emulator.stats().status429, 1);
      // The token endpoint is not limited by default.
      assert.equal(typeof (await accessToken(emulator.oauthClient)), "string");
    });

    it("sends Retry-After when configured", async () => {
      emulator.setRateLimit({ requestsPerSecond: 0.001, burst: 1, retryAfterSeconds: 2 });
      await lookup();
      const limited = await lookup();
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get("retry-after"), "2");
    });

    it("limits only the listed operations", async () => {
      emulator.setRateLimit({ requestsPerSecond: 0.001, burst: 1, operations: ["setStatus"] });
      for (let i = 0; i < 3; i++) assert.equal((await lookup()).status, 200);
      assert.equal((await disable()).status, 200);
      assert.equal((await disable()).status, 429);
    });

    it("refills at requestsPerSecond", async () => {
      emulator.setRateLimit({ requestsPerSecond: 50, burst: 1 });
      assert.equal((await lookup()).status, 200);
      assert.equal((await lookup()).status, 429);
      await new Promise((r) => setTimeout(r, 40));
      assert.equal((await lookup()).status, 200);
    });
  });

  describe("faults", () => {
    it("is deterministic for a seed", () => {
      const a = prng(42);
      const b = prng(42);
      const draws = Array.from({ length: 5 }, () => a());
      assert.deepEqual(
        draws,
        Array.from({ length: 5 }, () => b()),
      );
      assert.ok(draws.every((d) => d >= 0 && d < 1));
    });

    it("answers 5xx without applying", async () => {
      emulator.setFaults({ errorRate: 1, seed: 7 });
      const statuses = new Set<number>();
      for (let i = 0; i < 12; i++) {
        const res = await disable();
        statuses.add(res.status);
        const text = await res.text();
        if (res.headers.get("content-type")?.startsWith("text/html")) {
          assert.ok([502, 503].includes(res.status));
          assert.match(text, /<html>/);
        } else {
          assert.match(JSON.parse(text).code, /^50[0234] /);
        }
      }
      assert.ok([...statuses].every((s) => [500, 502, 503, 504].includes(s)));
      assert.ok(statuses.size > 1);
      assert.equal(emulator.getUser("u-jane")!.userStatus, "Enabled");
      assert.ok(emulator.requests.every((r) => r.fault?.startsWith("error-")));
    });

    it("applies the write and then drops the connection", async () => {
      emulator.setFaults({ dropAfterApplyRate: 1, seed: 1 });
      await assert.rejects(disable(), TypeError);
      assert.equal(emulator.getUser("u-jane")!.userStatus, "Disabled");
      const [entry] = emulator.requests;
      assert.equal(entry!.fault, "drop-after-apply");
      assert.equal(entry!.status, 0);
      assert.equal(entry!.write, true);
    });

    it("applies the write, answers its status, headers and half its body, then cuts the connection", async () => {
      emulator.setFaults({ cutAfterApplyRate: 1, seed: 1 });
      const res = await disable();
      assert.equal(res.status, 200);
      const whole = JSON.stringify({ id: "u-jane", userStatus: "Disabled" });
      assert.equal(res.headers.get("content-length"), String(whole.length));
      await assert.rejects(res.text());
      assert.equal(emulator.getUser("u-jane")!.userStatus, "Disabled");
      const [entry] = emulator.requests;
      assert.equal(entry!.fault, "cut-after-apply");
      assert.equal(entry!.status, 200);
      assert.equal(entry!.write, true);
      assert.equal(entry!.userId, "u-jane");
    });

    it("logs a request's Range and If-Match headers, and the user a faulted request names", async () => {
      emulator.setFaults({ errorRate: 1, seed: 3 });
      await cas(emulator, "u-jane/userStatus", {
        token,
        method: "PUT",
        body: { userStatus: "Disabled" },
        headers: { range: "bytes=12-", "if-match": '"v1"' },
      });
      await lookup();
      const [put, found] = emulator.requests;
      assert.equal(put!.range, "bytes=12-");
      assert.equal(put!.ifMatch, '"v1"');
      assert.equal(put!.userId, "u-jane");
      assert.equal(found!.range, undefined);
      assert.equal(found!.email, email);
      assert.ok(found!.fault?.startsWith("error-"));
    });

    it("answers garbage of each kind without applying", async () => {
      emulator.setFaults({ garbageRate: 1, garbageKind: "invalid-json" });
      const invalid = await disable();
      assert.equal(invalid.status, 200);
      await assert.rejects(invalid.json());

      emulator.setFaults({ garbageRate: 1, garbageKind: "wrong-types" });
      const wrong = await jsonOf(await disable());
      assert.equal(wrong.userStatus, 42);
      assert.equal(wrong.id, null);
      const wrongUser = await jsonOf(await lookup());
      assert.equal(wrongUser.id, null);

      emulator.setFaults({ garbageRate: 1, garbageKind: "html" });
      const page = await disable();
      assert.equal(page.status, 200);
      assert.match(page.headers.get("content-type")!, /^text\/html/);
      assert.match(await page.text(), /<html>/);

      assert.equal(emulator.getUser("u-jane")!.userStatus, "Enabled");
      assert.deepEqual(
        emulator.requests.map((r) => r.fault),
        ["garbage-invalid-json", "garbage-wrong-types", "garbage-wrong-types", "garbage-html"],
      );
    });

    it("faults only the listed operations", async () => {
      emulator.setFaults({ errorRate: 1, operations: ["setStatus"] });
      assert.equal((await lookup()).status, 200);
      assert.ok((await disable()).status >= 500);
    });
  });

  it("delays answers by the latency and tracks requests in flight", async () => {
    emulator.setLatency(150);
    const started = Date.now();
    const answers = await Promise.all([lookup(), lookup(), lookup()]);
    assert.ok(answers.every((r) => r.status === 200));
    assert.ok(Date.now() - started >= 140);
    assert.equal(emulator.stats().maxInFlight, 3);
  });

  it("a hanging request never answers, and close() still ends", async () => {
    const other = await startEmulator({ users: [{ emailAddress: email }], faults: { hang: true } });
    const otherToken = await legacyJwt(other);
    const outcome = new Promise<string>((resolve) => {
      const req = request(`${other.url}v1/users/lookup`, {
        method: "POST",
        headers: { authorization: `Bearer ${otherToken}`, "content-type": "application/json" },
      });
      req.on("response", () => resolve("answered"));
      req.on("error", () => resolve("closed"));
      req.end(JSON.stringify({ email }));
    });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(other.requests[0]!.fault, "hang");
    assert.equal(other.stats().maxInFlight, 1);
    const closing = Date.now();
    await other.close();
    assert.ok(Date.now() - closing < 1000);
    assert.equal(await outcome, "closed");
  });

  it("close() ends keep-alive connections and pending latency", async () => {
    const other = await startEmulator({ users: [{ emailAddress: email }], latencyMs: 10_000 });
    const pending = cas(other, "lookup", { token: await legacyJwt(other), body: { email } }).catch(
      () => "closed",
    );
    await new Promise((r) => setTimeout(r, 50));
    const closing = Date.now();
    await other.close();
    assert.ok(Date.now() - closing < 1000);
    assert.equal(await pending, "closed");
  });
});
