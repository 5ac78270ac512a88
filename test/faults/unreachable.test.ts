/**
 * A server that stops answering, and one that is not there, through the real plugin: a clear error
 * naming the host and the cause within the configured time (never a hang), and a provider process that
 * still serves the next call.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { startEmulator, type Emulator } from "../../src/emulator";
import { Stack } from "../../bench/stack";
import { seeds, workload } from "../../bench/workload";
import { messageOf } from "./support";

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("faults: unreachable API through the plugin", function () {
  this.timeout(60_000);
  const users = workload(4);
  let emulator: Emulator;

  before(async () => {
    emulator = await startEmulator({ users: seeds(users) });
  });
  after(() => emulator?.close());

  describe("a server that stops answering", () => {
    let stack: Stack;
    before(async () => {
      stack = await Stack.start({
        emulator,
        config: { "securid:requestTimeoutSeconds": "1", "securid:minRetryDelayMs": "10" },
      });
    });
    after(() => stack?.stop());

    it("fails with a timeout naming the host and the knob, after the configured time per attempt", async () => {
      const host = new URL(emulator.url).host;
      emulator.setFaults({ hang: true });
      const started = performance.now();
      const result = await stack.up(users.slice(0, 2), 8).finally(() => emulator.setFaults(undefined));
      const elapsedMs = performance.now() - started;

      assert.equal(result.failed, 2);
      for (const reason of result.reasons) {
        assert.match(
          messageOf(reason),
          new RegExp(
            `^Cannot look up CAS user user0000[01]@bench\\.example: no answer from ${host.replace(/\./g, "\\.")} within 1 s \\(securid:requestTimeoutSeconds\\) after 2 attempts\\.`,
          ),
        );
        assert.match(messageOf(reason), /raise securid:requestTimeoutSeconds/);
      }
      // Two attempts of 1 s each and a short backoff: bounded, never a hang.
      assert.ok(elapsedMs >= 2000 && elapsedMs < 10_000, `${Math.round(elapsedMs)} ms`);
      const hung = emulator.requests.filter((r) => r.fault === "hang");
      assert.equal(hung.length, 4, "each operation: one attempt, one retry");
    });

    it("serves the next operation once the server answers again", async () => {
      const result = await stack.up(users.slice(2), 8);
      assert.equal(result.failed, 0, result.errors.join("\n"));
    });
  });

  describe("a closed port", () => {
    let stack: Stack;
    let work: string;
    let port: number;

    before(async () => {
      work = mkdtempSync(path.join(tmpdir(), "securid-faults-"));
      port = await closedPort();
      const keyFile = path.join(work, "elsewhere.key");
      const key = {
        ...emulator.keyFile,
        adminRestApiUrl: `http://127.0.0.1:${port}/AdminInterface/restapi/`,
      };
      writeFileSync(keyFile, JSON.stringify(key));
      stack = await Stack.start({
        emulator,
        // maxRetries 1: two attempts instead of the three a refused connection gets by default.
        config: { "securid:apiKeyFile": keyFile, "securid:minRetryDelayMs": "10", "securid:maxRetries": "1" },
      });
    });
    after(async () => {
      await stack?.stop();
      rmSync(work, { recursive: true, force: true });
    });

    it("fails with a connection error naming the host and ECONNREFUSED (after securid:maxRetries), and the plugin goes on serving", async () => {
      const result = await stack.up(users.slice(0, 1), 8);
      assert.equal(result.failed, 1);
      const message = messageOf(result.reasons[0]);
      assert.match(
        message,
        new RegExp(
          `^Cannot look up CAS user user00000@bench\\.example: cannot reach 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\) after 2 attempts\\.`,
        ),
      );
      assert.match(message, /Check the network, DNS and firewall, and the securid base URL/);
      // Still alive: the next call is answered (a check sends no request).
      const check = await stack.plugin.check(
        stack.plugin.urn("t", "again"),
        {},
        stack.goal(users[1]!).inputs,
      );
      assert.deepEqual(check.failures, []);
    });
  });
});
