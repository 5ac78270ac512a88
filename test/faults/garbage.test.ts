/**
 * Garbage answers through the real plugin: 200s with invalid JSON, wrong field types, or a proxy's HTML
 * page. Each is a clear error for the resource concerned, never a crash of the provider process, and a
 * write is never sent twice (a 200 is not retried, whatever its body).
 */
import assert from "node:assert/strict";
import { startEmulator, type Emulator } from "../../src/emulator";
import { Stack } from "../../bench/stack";
import { seeds, workload, type DesiredUser } from "../../bench/workload";
import { casRequests, countBy, messageOf } from "./support";

const KINDS = [
  ["invalid-json", /CAS answered 200 with malformed JSON/],
  ["wrong-types", /CAS's answer is not what this provider expects: id: .*userStatus: /],
  ["html", /CAS answered 200 with an HTML page \(probably from a proxy, a firewall or a login portal/],
] as const;

describe("faults: garbage answers through the plugin", function () {
  this.timeout(60_000);

  // Users 0 and 1 of each group of four need a write; 2 and 3 do not.
  const users = workload(64);
  const writers = users.filter((u) => u.needsWrite);
  let emulator: Emulator;
  let stack: Stack;

  before(async () => {
    emulator = await startEmulator({ users: seeds(users) });
    stack = await Stack.start({ emulator, config: { "securid:minRetryDelayMs": "10" } });
  });
  after(async () => {
    await stack?.stop();
    await emulator?.close();
  });

  /**
   * setStatus requests per email in the log so far. The user is read from the path: a faulted request
   * never reached the handler that notes the user in the log.
   */
  const writesPerUser = () =>
    countBy(casRequests(emulator), (r) => {
      const id =
        r.operation === "setStatus" ? /\/v1\/users\/([^/]+)\/userStatus$/.exec(r.path)?.[1] : undefined;
      return id === undefined ? undefined : emulator.getUser(decodeURIComponent(id))?.emailAddress;
    });

  function assertAlive(): void {
    assert.doesNotThrow(() => process.kill(stack.plugin.pid, 0), "the plugin process is gone");
    assert.doesNotMatch(stack.plugin.stderr().join("\n"), /Unhandled|uncaught|FATAL/i);
  }

  for (const [kind, message] of KINDS) {
    it(`a write answered with ${kind}: a clear error, sent once, and the plugin goes on serving`, async () => {
      const batch: DesiredUser[] = writers.splice(0, 3);
      emulator.clearRequests();
      emulator.setFaults({ garbageRate: 1, garbageKind: kind, operations: ["setStatus"], seed: 7 });
      const result = await stack.up(batch, 8).finally(() => emulator.setFaults(undefined));

      assert.equal(result.failed, batch.length);
      for (const [i, reason] of result.reasons.entries()) {
        const text = messageOf(reason);
        assert.match(
          text,
          new RegExp(`^Cannot set CAS user ${batch[i]!.email.replace(/\./g, "\\.")} to (Enabled|Disabled): `),
        );
        assert.match(text, message);
      }
      const writes = writesPerUser();
      for (const u of batch) assert.equal(writes.get(u.email), 1, `${u.email}: writes`);
      assertAlive();

      // The next up (the resources are not in the state) writes each user once more, and succeeds.
      emulator.clearRequests();
      const again = await stack.up(batch, 8);
      assert.equal(again.failed, 0, again.errors.join("\n"));
      for (const u of batch) assert.equal(emulator.getUser(u.email)?.userStatus, u.status);
      const rewrites = writesPerUser();
      for (const u of batch) assert.equal(rewrites.get(u.email), 1, `${u.email}: writes on the next up`);
    });

    it(`a lookup answered with ${kind}: a clear error and no write at all`, async () => {
      const batch = writers.splice(0, 2);
      emulator.clearRequests();
      emulator.setFaults({ garbageRate: 1, garbageKind: kind, operations: ["lookup"], seed: 7 });
      const result = await stack.up(batch, 8).finally(() => emulator.setFaults(undefined));
      assert.equal(result.failed, batch.length);
      for (const reason of result.reasons) {
        assert.match(messageOf(reason), /^Cannot look up CAS user user\d+@bench\.example: /);
        assert.match(messageOf(reason), message);
      }
      assert.equal(writesPerUser().size, 0);
      assertAlive();
    });
  }

  it("10 % garbage of every kind over a whole run: only those resources fail, each write sent at most once", async () => {
    emulator.clearRequests();
    emulator.setFaults({ garbageRate: 0.1, seed: 42 });
    const result = await stack.up(users, 8).finally(() => emulator.setFaults(undefined));
    const garbage = casRequests(emulator).filter((r) => r.fault?.startsWith("garbage-"));
    assert.ok(garbage.length > 0);
    // One failed resource per garbage answer, each with a clear message; the others succeeded.
    assert.equal(result.failed, garbage.length);
    for (const reason of result.reasons.filter((r) => r !== undefined)) {
      assert.match(
        messageOf(reason),
        /^Cannot (look up|set) CAS user .*(malformed JSON|not what this provider expects|HTML page)/,
      );
    }
    for (const [email, n] of writesPerUser()) assert.ok(n <= 1, `${email}: ${n} writes`);
    assertAlive();
  });
});
