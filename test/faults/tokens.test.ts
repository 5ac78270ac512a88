/**
 * Long runs across token renewals: OAuth access tokens that expire every 2 s (through the real plugin),
 * legacy JWTs renewed before expiry, and tokens revoked in the middle of a run (legacy through the
 * plugin, OAuth through the client). No operation may fail.
 */
import assert from "node:assert/strict";
import { createCasClient, resolveCasSettings, type CasClient } from "../../src/client";
import { startEmulator, type Emulator } from "../../src/emulator";
import { Stack, pool } from "../../bench/stack";
import { mismatches, seeds, workload } from "../../bench/workload";
import { casRequests, messageOf } from "./support";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The most requests the log shows within any `windowMs`. */
function peakPerWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! >= windowMs) i++;
    peak = Math.max(peak, j - i + 1);
  }
  return peak;
}

/** Looks every user up through `client`, 8 at a time; the failures' messages. */
async function lookupAll(client: CasClient, emails: string[]): Promise<string[]> {
  const results = await pool(emails, 8, (email) => client.users.lookupUser(email));
  return results.flatMap((r) => (r.status === "rejected" ? [messageOf(r.reason)] : []));
}

describe("faults: token renewals during long runs", function () {
  this.timeout(60_000);

  describe("OAuth access tokens living 2 s, through the plugin", () => {
    const users = workload(300);
    let emulator: Emulator;
    let stack: Stack;

    before(async () => {
      emulator = await startEmulator({ users: seeds(users), tokenLifetimeSeconds: 2 });
      // securid:maxRequestsPerSecond stretches the run to about 4.5 s: past two expiries.
      stack = await Stack.start({
        emulator,
        credentials: "oauth",
        config: { "securid:maxRequestsPerSecond": "100" },
      });
    });
    after(async () => {
      await stack?.stop();
      await emulator?.close();
    });

    it("renews the token before it expires, with no failure", async () => {
      emulator.clearRequests();
      const result = await stack.up(users, 8);
      assert.equal(result.failed, 0, result.errors.join("\n"));
      assert.deepEqual(
        mismatches(users, (e) => emulator.getUser(e)?.userStatus),
        [],
      );
      const stats = emulator.stats();
      assert.ok(stats.tokensIssued > 1, `${stats.tokensIssued} access tokens issued`);
      assert.equal(stats.distinctTokens, stats.tokensIssued, "every token issued was used");
      // The cap set in the stack config reached the plugin's limiter, shared by all 300 resources.
      const cas = casRequests(emulator);
      assert.ok(
        peakPerWindow(
          cas.map((r) => r.time),
          1000,
        ) <= 120,
        "more than 100 req/s",
      );
    });
  });

  describe("legacy JWTs, through the client, with a clock running 1,000 times faster", () => {
    it("renews the JWT before its 50 min lifetime ends, again and again, with no refusal", async () => {
      const started = Date.now();
      const clock = () => started + (Date.now() - started) * 1000;
      const users = workload(200);
      const emulator = await startEmulator({ users: seeds(users), clock, latencyMs: 5 });
      const settings = await resolveCasSettings(
        (key) => (key === "securid:apiKey" ? JSON.stringify(emulator.keyFile) : undefined),
        {},
      );
      const client = createCasClient(settings, { now: clock });
      try {
        // about 7 s of real time: 7,000 s of token time, past two renewals (each 2,880 s after minting)
        const emails = users.map((u) => u.email);
        const failures: string[] = [];
        while (Date.now() - started < 7000) failures.push(...(await lookupAll(client, emails)));
        assert.deepEqual(failures.slice(0, 5), []);
        assert.ok(client.tokens.mintedCount >= 3, `${client.tokens.mintedCount} tokens minted`);
        assert.equal(emulator.stats().distinctTokens, client.tokens.mintedCount);
        // Renewed 2 min (token time) before expiry, so none should be refused; at 1,000× that margin is
        // 120 ms of real time plus 60 ms of allowed skew: a stalled machine may let one volley through,
        // which the transport renews and retries (no failure above).
        const refused = emulator.requests.filter((r) => r.status === 403).length;
        assert.ok(refused <= 8, `${refused} requests refused`);
      } finally {
        await client.close();
        await emulator.close();
      }
    });
  });

  describe("legacy JWT revoked mid-run, through the plugin", () => {
    const users = workload(400);
    let emulator: Emulator;
    let stack: Stack;

    before(async () => {
      emulator = await startEmulator({ users: seeds(users) });
      stack = await Stack.start({
        emulator,
        config: { "securid:maxRequestsPerSecond": "200", "securid:maxConcurrency": "3" },
      });
    });
    after(async () => {
      await stack?.stop();
      await emulator?.close();
    });

    it("renews once per revocation, even within the second the token was minted, with no failure", async () => {
      emulator.clearRequests();
      const running = stack.up(users, 8);
      // First revocation as soon as the first token is on the wire (most likely the second it was
      // minted in: a JWT re-minted with the same claims would be the same bytes), then one mid-run.
      while (casRequests(emulator).length === 0) await sleep(1);
      emulator.revokeTokens();
      await sleep(1000);
      emulator.revokeTokens();
      const result = await running;

      assert.equal(result.failed, 0, result.errors.join("\n"));
      assert.deepEqual(
        mismatches(users, (e) => emulator.getUser(e)?.userStatus),
        [],
      );
      assert.equal(emulator.stats().distinctTokens, 3, "one token, then one per revocation");
      const refused = casRequests(emulator).filter((r) => r.status === 403);
      assert.ok(refused.length >= 2 && refused.length <= 6, `${refused.length} refused`);
      // 8 operations at once, yet never more than securid:maxConcurrency requests in flight: every
      // resource of the plugin process goes through the same limiter.
      assert.ok(emulator.stats().maxInFlight <= 3, `${emulator.stats().maxInFlight} in flight`);
    });
  });

  describe("OAuth access token revoked mid-run, through the client", () => {
    it("gets one new token and goes on, with no failure", async () => {
      const users = workload(300);
      const emulator = await startEmulator({ users: seeds(users), latencyMs: 2 });
      const client = emulator.oauthClient;
      const settings = await resolveCasSettings(
        (key) =>
          ({
            "securid:oauthIssuerUrl": client.issuerUrl,
            "securid:oauthClientId": client.clientId,
            "securid:oauthPrivateKey": JSON.stringify(client.privateJwk),
            "securid:adminRestApiUrl": emulator.url,
          })[key],
        {},
      );
      const cas = createCasClient(settings);
      try {
        const emails = users.map((u) => u.email);
        const running = lookupAll(cas, emails);
        while (casRequests(emulator).length < 100) await sleep(1);
        emulator.revokeTokens();
        assert.deepEqual(await running, []);
        assert.deepEqual(await lookupAll(cas, emails.slice(0, 20)), []);
        assert.equal(emulator.stats().tokensIssued, 2);
        assert.equal(cas.tokens.mintedCount, 2);
      } finally {
        await cas.close();
        await emulator.close();
      }
    });
  });
});
