import assert from "node:assert/strict";
import { Limiter } from "../../src/client/limiter";
import type { ClientEvent } from "../../src/client/events";
import { FakeClock } from "./helpers";

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

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

  it("halves the rate on a 429 (from the recent accepted rate when none was set), then adds 1 req/s per second", async () => {
    const clock = new FakeClock();
    const events: ClientEvent[] = [];
    const limiter = new Limiter({
      maxConcurrency: 8,
      now: clock.now,
      sleep: clock.sleep,
      onEvent: (e) => events.push(e),
    });
    // 16 accepted in the last 2 s: 8 req/s
    for (let i = 0; i < 16; i++) {
      const permit = await limiter.acquire();
      clock.advance(125);
      permit.release("accepted");
    }
    assert.equal(limiter.stats().currentRate, undefined);
    (await limiter.acquire()).release("throttled");
    assert.equal(limiter.stats().currentRate, 4);
    assert.deepEqual(events, [{ type: "throttle", requestsPerSecond: 4, throttleEvents: 1 }]);
    // the next start waits 1/4 s (the rate grows meanwhile); a 429 within the cooldown counts but does not decrease
    (await limiter.acquire()).release("throttled");
    assert.equal(clock.sleeps.at(-1), 250);
    assert.equal(limiter.stats().throttleEvents, 2);
    assert.equal(limiter.stats().currentRate, 4.25);
    clock.advance(1000);
    assert.equal(limiter.stats().currentRate, 5.25);
    (await limiter.acquire()).release("throttled");
    assert.equal(limiter.stats().currentRate, 2.625);
    // back to unlimited once the rate reaches what was sent before the first 429 (8 req/s here)
    clock.advance(5_000);
    assert.equal(limiter.stats().currentRate, 7.625);
    clock.advance(1_000);
    assert.equal(limiter.stats().currentRate, undefined);
  });

  it("with a cap, decreases from the cap and recovers up to it", async () => {
    const clock = new FakeClock();
    const limiter = new Limiter({ maxRequestsPerSecond: 10, now: clock.now, sleep: clock.sleep });
    (await limiter.acquire()).release("throttled");
    assert.equal(limiter.stats().currentRate, 5);
    clock.advance(1_500);
    (await limiter.acquire()).release("throttled");
    assert.equal(limiter.stats().currentRate, 3.25);
    clock.advance(60_000);
    assert.equal(limiter.stats().currentRate, 10);
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
});
