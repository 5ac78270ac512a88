/**
 * 1,000 `UserStatus` creates through the REAL dynamic-provider plugin while the API fails: 10 % of the
 * requests answer 5xx, 5 % are applied and then their answer is lost (3 %: the connection dropped before
 * it; 2 %: cut halfway through its body), and storms of 429s come and go. Every operation must succeed,
 * CAS must end exactly as declared, and no retry may resume a cut answer (a `Range` request would apply
 * a write twice). Outcomes are asserted, not times; the faults are drawn from a fixed seed.
 */
import assert from "node:assert/strict";
import { startEmulator, type Emulator } from "../../src/emulator";
import { Stack } from "../../bench/stack";
import { mismatches, seeds, workload } from "../../bench/workload";
import { casRequests, countBy, messageOf, stormsOf429 } from "./support";

describe("faults: 1,000 creates through the plugin under 5xx, dropped connections and 429 storms", function () {
  this.timeout(120_000);

  const users = workload(1000);
  let emulator: Emulator;
  let stack: Stack;

  before(async () => {
    emulator = await startEmulator({ users: seeds(users) });
    // A short backoff (the knobs users have too) keeps the suite fast; the retry logic is the same.
    stack = await Stack.start({
      emulator,
      config: { "securid:minRetryDelayMs": "20", "securid:maxRetryDelayMs": "500" },
    });
  });

  after(async () => {
    await stack?.stop();
    await emulator?.close();
  });

  it("every operation succeeds and CAS ends exactly as declared", async () => {
    emulator.clearRequests();
    emulator.setFaults({
      errorRate: 0.1,
      dropAfterApplyRate: 0.03,
      cutAfterApplyRate: 0.02,
      seed: 20_251_123,
    });
    const stopStorms = stormsOf429(emulator, {
      everyMs: 1500,
      forMs: 250,
      count: 4,
      limit: { requestsPerSecond: 20, burst: 2 },
    });
    let result;
    try {
      result = await stack.up(users, 8);
    } finally {
      stopStorms();
      emulator.setFaults(undefined);
    }

    assert.equal(result.failed, 0, result.errors.join("\n"));
    assert.deepEqual(
      mismatches(users, (email) => emulator.getUser(email)?.userStatus),
      [],
      "users in a status other than the declared one",
    );
    assert.equal(emulator.listUsers().length, users.length);
    for (const [i, state] of result.states.entries()) {
      assert.equal(state?.outputs.status, users[i]!.status, users[i]!.email);
    }

    // The faults did happen, writes included.
    const requests = casRequests(emulator);
    const faults = countBy(requests, (r) => r.fault?.replace(/^error-.*/, "5xx"));
    const lostWrites = requests.filter(
      (r) => r.operation === "setStatus" && (r.fault === "drop-after-apply" || r.fault === "cut-after-apply"),
    );
    assert.ok((faults.get("5xx") ?? 0) > 100, JSON.stringify([...faults]));
    assert.ok((faults.get("drop-after-apply") ?? 0) > 25, JSON.stringify([...faults]));
    assert.ok((faults.get("cut-after-apply") ?? 0) > 15, JSON.stringify([...faults]));
    assert.ok(lostWrites.length > 10, `${lostWrites.length} writes applied, then their answer lost`);
    // Every retry was a whole new request: none resumed a cut answer.
    assert.deepEqual(
      requests.filter((r) => r.range !== undefined || r.ifMatch !== undefined).map((r) => r.seq),
      [],
    );
    assert.ok(emulator.stats().status429 > 0, "no 429 storm hit the run");
    // One token for the whole run: retries do not mint.
    assert.equal(emulator.stats().distinctTokens, 1);
  });

  it("the provider process is still serving: a no-op up of the same resources sends nothing", async () => {
    const states = await stack.up(users.slice(0, 50), 8);
    emulator.clearRequests();
    const again = await stack.up(users.slice(0, 50), 8, states.states);
    assert.equal(again.failed, 0, again.reasons.map(messageOf).join("\n"));
    assert.equal(again.ops.same, 50);
    assert.equal(emulator.stats().requests, 0);
  });
});
