import assert from "node:assert/strict";
import { Limiter } from "../../src/client/limiter";
import type { ClientEvent } from "../../src/client/events";
import { FakeClock } from "./helpers";

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const round = (x: number | undefined) => (x === undefined ? undefined : Math.round(x * 100) / 100);

describe("client/limiter", () => {
  it("never has more than maxConcurrency in flight and starts waiters in FIFO order", async () => {
    const limiter = new Limiter({ maxConcurrency: 3 });
    let inFlight = 0;
    let maxSeen = 0;
    const started: number[] = [];
    const tasks = Array.from({ length: 20 }, (_, i) =>
      limiter.run(async () => {
        started.push(i);
        inFlight += 1;
        maxSeen = Math.max(maxSeen, inFlight, limiter.stats().inFlight);
        for (let n = 0; n < (i * 7) % 5; n++) await tick();
        inFlight -= 1;
        return i;
      }),
    );
    assert.equal(limiter.stats().queued + limiter.stats().inFlight, 20);
    assert.deepEqual(await Promise.all(tasks), [...Array(20).keys()]);
    assert.equal(maxSeen, 3);
    assert.deepEqual(started, [...Array(20).keys()]);
    assert.deepEqual(limiter.stats(), { inFlight: 0, queued: 0, currentRate: undefined, throttleEvents: 0 });
  });

  it("releases a slot when the task fails, and a permit only once", async () => {
    const limiter = new Limiter({ maxConcurrency: 1 });
    await assert.rejects(
      limiter.run(() => Promise.reject(new Error("boom"))),
      /boom/,
    );
    const permit = await limiter.acquire();
    permit.release("accepted");
    permit.release("accepted");
    assert.equal(limiter.stats().inFlight, 0);
    assert.equal(await limiter.run(async () => 1), 1);
  });

  it("spaces starts by 1000 / maxRequestsPerSecond", async () => {
    const clock = new FakeClock();
    const limiter = new Limiter({
      maxConcurrency: 8,
      maxRequestsPerSecond: 4,
      now: clock.now,
      sleep: clock.sleep,
    });
    const t0 = clock.t;
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 5 }, () => limiter.run(async () => void starts.push(clock.t - t0))),
    );
    assert.deepEqual(starts, [0, 250, 500, 750, 1000]);
    assert.equal(limiter.stats().currentRate, 4);
  });

  it("on a 429 lowers the rate to 0.9 × the rate the API accepted, then regains it", async () => {
    const clock = new FakeClock();
    const events: ClientEvent[] = [];
    const limiter = new Limiter({
      maxConcurrency: 8,
      now: clock.now,
      sleep: clock.sleep,
      onEvent: (e) => events.push(e),
    });
    // one every 50 ms for 3 s: 40 accepted in the last 2 s, 20 req/s
    for (let i = 0; i < 60; i++) {
      const permit = await limiter.acquire();
      clock.advance(50);
      permit.release("accepted");
    }
    assert.equal(limiter.stats().currentRate, undefined);
    (await limiter.acquire()).release("throttled");
    assert.equal(limiter.stats().currentRate, 18);
    assert.deepEqual(events, [{ type: "throttle", requestsPerSecond: 18, throttleEvents: 1 }]);
    clock.advance(1000);
    assert.equal(round(limiter.stats().currentRate), 19.07);
    // back to unlimited once the rate reaches what was sent before the first 429 (20 req/s here)
    clock.advance(1000);
    assert.equal(limiter.stats().currentRate, undefined);
  });

  it("regains 1 req/s per second at first, the slope doubling every 5 s without a 429", async () => {
    const clock = new FakeClock();
    const limiter = new Limiter({ maxRequestsPerSecond: 1000, now: clock.now, sleep: clock.sleep });
    for (let i = 0; i < 60; i++) {
      const permit = await limiter.acquire();
      clock.advance(49); // + 1 ms of spacing at the 1000 req/s cap
      permit.release("accepted");
    }
    (await limiter.acquire()).release("throttled");
    const base = limiter.stats().currentRate!;
    const regained = [1, 5, 10, 20].map((s) => {
      clock.advance(s * 1000);
      const r = round(limiter.stats().currentRate! - base);
      clock.advance(-s * 1000);
      return r;
    });
    // ∫ 2^(s/5) ds: 1.07, 7.21, 21.64, 108.2 req/s
    assert.deepEqual(regained, [1.07, 7.21, 21.64, 108.2]);
  });

  it("measures a burst at the start over one second, not over the milliseconds it took", async () => {
    const clock = new FakeClock();
    const limiter = new Limiter({ now: clock.now, sleep: clock.sleep });
    // a token bucket's burst of 20 answered within 100 ms, then a 429
    for (let i = 0; i < 20; i++) {
      const permit = await limiter.acquire();
      clock.advance(5);
      permit.release("accepted");
    }
    (await limiter.acquire()).release("throttled");
    assert.equal(limiter.stats().currentRate, 18);
  });

  it("counts a volley of 429s to attempts sent before the decrease once, and decreases again for later ones", async () => {
    const clock = new FakeClock();
    const limiter = new Limiter({
      maxConcurrency: 8,
      maxRequestsPerSecond: 10,
      decreaseCooldownMs: 0,
      now: clock.now,
      sleep: clock.sleep,
    });
    const volley = await Promise.all(Array.from({ length: 4 }, () => limiter.acquire()));
    for (let i = 0; i < 8; i++) {
      const permit = await limiter.acquire();
      clock.advance(10);
      permit.release("accepted");
    }
    for (const permit of volley) permit.release("throttled");
    // min(cap 10, accepted 8 req/s over the 1 s minimum span) × 0.9
    assert.equal(limiter.stats().currentRate, 7.2);
    assert.equal(limiter.stats().throttleEvents, 4);
    // an attempt started after the decrease was paced at the new rate: its 429 decreases again
    (await limiter.acquire()).release("throttled");
    assert.ok(Math.abs(limiter.stats().currentRate! - 6.48) < 0.2, String(limiter.stats().currentRate));
  });

  it("in a storm of 429s decreases at most once per cooldown, each time from what the API still accepts", async () => {
    const clock = new FakeClock();
    const events: ClientEvent[] = [];
    const limiter = new Limiter({
      maxConcurrency: 8,
      now: clock.now,
      sleep: clock.sleep,
      onEvent: (e) => events.push(e),
    });
    for (let i = 0; i < 40; i++) {
      const permit = await limiter.acquire();
      clock.advance(25);
      permit.release("accepted");
    }
    // 40 req/s accepted, then nothing but 429s for 3.5 s
    const stormStart = clock.t;
    const decreases: [number, number][] = [];
    while (clock.t - stormStart < 3500) {
      const permit = await limiter.acquire();
      clock.advance(10);
      const before = events.length;
      permit.release("throttled");
      if (events.length > before) {
        const e = events.at(-1)!;
        if (e.type === "throttle")
          decreases.push([clock.t - stormStart, Math.round(e.requestsPerSecond * 100) / 100]);
      }
    }
    const gaps = decreases.slice(1).map(([t], i) => t - decreases[i]![0]);
    assert.ok(
      gaps.every((g) => g >= 1000),
      JSON.stringify(decreases),
    );
    assert.ok(decreases.length <= 4, JSON.stringify(decreases));
    // the first decrease keeps 90 % of what the API accepted; with nothing accepted for 2 s, the minimum
    assert.deepEqual(decreases[0], [10, 36]);
    assert.equal(decreases.at(-1)![1], 0.5);
  });

  it("with a cap, decreases from the cap and recovers up to it", async () => {
    const clock = new FakeClock();
    const limiter = new Limiter({ maxRequestsPerSecond: 10, now: clock.now, sleep: clock.sleep });
    for (let i = 0; i < 20; i++) {
      const permit = await limiter.acquire();
      permit.release("accepted");
    }
    // the cap spaced them 100 ms apart: 19 accepted in the 2 s before the 429, min(10, 9.5) × 0.9
    (await limiter.acquire()).release("throttled");
    assert.equal(limiter.stats().currentRate, 8.55);
    clock.advance(60_000);
    assert.equal(limiter.stats().currentRate, 10);
  });

  it("holds every start until a Retry-After has passed", async () => {
    const clock = new FakeClock();
    const limiter = new Limiter({ maxConcurrency: 4, now: clock.now, sleep: clock.sleep });
    const t0 = clock.t;
    (await limiter.acquire()).release("throttled", { retryAfterMs: 3000 });
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 2 }, () => limiter.run(async () => void starts.push(clock.t - t0))),
    );
    assert.ok(starts[0]! >= 3000, String(starts));
    // never longer than maxHoldMs
    const capped = new Limiter({ maxHoldMs: 500, now: clock.now, sleep: clock.sleep });
    const t1 = clock.t;
    (await capped.acquire()).release("throttled", { retryAfterMs: 60_000 });
    await capped.run(async () => assert.ok(clock.t - t1 >= 500 && clock.t - t1 < 1000, String(clock.t - t1)));
  });

  it("never goes below the minimum rate, and paces queued work at the lowered rate", async () => {
    const clock = new FakeClock();
    const limiter = new Limiter({
      maxRequestsPerSecond: 0.6,
      now: clock.now,
      sleep: clock.sleep,
      increasePerSecond: 0,
    });
    (await limiter.acquire()).release("throttled");
    assert.equal(limiter.stats().currentRate, 0.5);
    const t0 = clock.t;
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 3 }, () => limiter.run(async () => void starts.push(clock.t - t0))),
    );
    assert.deepEqual(starts, [2000, 4000, 6000]);
  });
  it("keeps pacing after a 429 when it was sending at the minimum rate, and after a second one (no cap)", async () => {
    const clock = new FakeClock();
    const events: ClientEvent[] = [];
    const limiter = new Limiter({
      maxConcurrency: 1,
      now: clock.now,
      sleep: clock.sleep,
      onEvent: (e) => events.push(e),
    });
    // a slow API: one request every 2 s, 0.5 req/s sent and accepted, then 429s
    for (let i = 0; i < 5; i++) {
      const permit = await limiter.acquire();
      clock.advance(2000);
      permit.release("accepted");
    }
    let lastStart = clock.t;
    for (let n = 1; n <= 2; n++) {
      const permit = await limiter.acquire();
      const gap = clock.t - lastStart;
      lastStart = clock.t;
      clock.advance(100);
      permit.release("throttled");
      assert.deepEqual(events.at(-1), { type: "throttle", requestsPerSecond: 0.5, throttleEvents: n });
      // the rate announced is the rate applied, not "no limit"
      assert.equal(limiter.stats().currentRate, 0.5, `after 429 #${n}`);
      if (n === 2) assert.ok(gap >= 2000, `started ${gap} ms after the one before`);
    }
    // the next start waits for the lowered rate: 1000 / 0.5 ms after the last one
    await limiter.run(async () => assert.ok(clock.t - lastStart >= 2000, `${clock.t - lastStart} ms`));
  });

  it("never exceeds the cap after a 429, even a cap below the minimum rate", async () => {
    const clock = new FakeClock();
    const limiter = new Limiter({
      maxRequestsPerSecond: 0.25,
      increasePerSecond: 0,
      now: clock.now,
      sleep: clock.sleep,
    });
    (await limiter.acquire()).release("throttled");
    assert.equal(limiter.stats().currentRate, 0.25);
    const t0 = clock.t;
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 2 }, () => limiter.run(async () => void starts.push(clock.t - t0))),
    );
    assert.deepEqual(starts, [4000, 8000]);
  });
});
