import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { SAMPLE_USERS, startEmulator, type Emulator } from "../../src/emulator";
import { runCli } from "../../src/emulator/cli";
import { cas, jsonOf, legacyJwt } from "./helpers";

describe("emulator: admin API, request log, stats, key files, CLI", () => {
  let emulator: Emulator;
  let dir: string;

  before(async () => {
    emulator = await startEmulator();
    dir = await mkdtemp(join(tmpdir(), "securid-emulator-"));
  });
  after(async () => {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  });

  const admin = (path: string, method = "GET", body?: unknown) =>
    fetch(`${emulator.origin}/__emulator/${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it("seeds, lists, patches and deletes users", async () => {
    const seeded = await admin("users", "POST", [
      { emailAddress: "ann.lee@example.com" },
      { emailAddress: "x@example.com" },
    ]);
    assert.equal(seeded.status, 201);
    const [ann] = await jsonOf(seeded);
    assert.equal(ann.firstName, "Ann");
    assert.equal(ann.lastName, "Lee");
    assert.match(ann.id, /^[0-9a-f-]{36}$/);
    assert.equal(ann.userStatus, "Enabled");
    assert.equal(ann.synchronized, true);

    const patched = await admin("users/ANN.LEE@example.com", "PATCH", {
      userStatus: "Disabled",
      directoryStatus: "Deleted",
    });
    assert.equal(patched.status, 200);
    assert.equal((await jsonOf(patched)).userStatus, "Disabled");
    assert.equal(emulator.getUser(ann.id)!.directoryStatus, "Deleted");
    assert.equal((await admin("users/ann.lee@example.com", "PATCH", { userStatus: "Gone" })).status, 400);
    assert.equal((await admin("users/nobody", "PATCH", { userStatus: "Disabled" })).status, 404);

    const listed = await jsonOf(await admin("users"));
    assert.ok(listed.some((u: { id: string }) => u.id === ann.id));
    assert.equal((await admin(`users/${ann.id}`, "DELETE")).status, 204);
    assert.equal(emulator.getUser("ann.lee@example.com"), undefined);
  });

  it("sets the rate limit, faults and latency, and reads requests and stats", async () => {
    emulator.clearRequests();
    emulator.seedUsers([{ id: "u1", emailAddress: "u1@example.com" }]);
    const token = await legacyJwt(emulator);
    assert.equal((await admin("rate-limit", "PUT", { requestsPerSecond: 0.001, burst: 1 })).status, 200);
    assert.equal((await cas(emulator, "lookup", { token, body: { email: "u1@example.com" } })).status, 200);
    assert.equal((await cas(emulator, "lookup", { token, body: { email: "u1@example.com" } })).status, 429);
    assert.equal((await admin("rate-limit", "PUT", null)).status, 200);
    assert.equal((await admin("faults", "PUT", { errorRate: 1, operations: ["sync"] })).status, 200);
    assert.ok((await cas(emulator, "u1/sync", { token })).status >= 500);
    assert.equal((await admin("faults", "PUT", null)).status, 200);
    assert.equal((await admin("latency", "PUT", { ms: 0 })).status, 200);
    assert.equal((await admin("faults", "PUT", { errorRate: 2 })).status, 400);
    const put = { token, method: "PUT", body: { userStatus: "Disabled" } };
    assert.equal((await cas(emulator, "u1/userStatus", put)).status, 200);

    const stats = await jsonOf(await admin("stats"));
    assert.deepEqual(stats, {
      requests: 4,
      writes: 2,
      byOperation: { lookup: 2, sync: 1, setStatus: 1 },
      status429: 1,
      tokensIssued: 0,
      distinctTokens: 1,
      maxInFlight: 1,
    });
    const requests = await jsonOf(await admin("requests"));
    const api = requests.filter((r: { api: string }) => r.api !== "admin");
    assert.deepEqual(
      api.map((r: { operation: string; status: number }) => `${r.operation} ${r.status}`),
      ["lookup 200", "lookup 429", `sync ${api[2].status}`, "setStatus 200"],
    );
    assert.equal(api[3].userId, "u1");
    assert.equal(api[3].email, "u1@example.com");
    assert.equal(api[3].write, true);
    assert.ok(requests.some((r: { api: string }) => r.api === "admin"));
    assert.equal((await admin("requests", "DELETE")).status, 204);
    assert.equal(emulator.requests.filter((r) => r.api !== "admin").length, 0);
    assert.equal(emulator.stats().requests, 0);
  });

  it("seeds and reads Nexus users", async () => {
    const res = await admin("nexus-users", "POST", { userId: "n1", givenName: "N", familyName: "One" });
    assert.equal(res.status, 201);
    assert.equal(emulator.getNexusUser("n1")!.displayName, "N One");
    assert.equal((await jsonOf(await admin("nexus-users/n1"))).userId, "n1");
  });

  it("writes the key file as the console does", async () => {
    const path = await emulator.writeKeyFile(dir);
    assert.equal(basename(path), `${emulator.keyFile.accessID}.key`);
    const text = await readFile(path, "utf8");
    assert.ok(text.includes("-----BEGIN RSA PRIVATE KEY-----\\n"), "newlines escaped by JSON");
    assert.deepEqual(JSON.parse(text), emulator.keyFile);
  });

  it("updateUserOutOfBand and deleteUserOutOfBand throw for unknown users and are not logged", () => {
    emulator.clearRequests();
    assert.throws(() => emulator.updateUserOutOfBand("nobody@example.com", {}));
    assert.throws(() => emulator.deleteUserOutOfBand("nobody@example.com"));
    assert.equal(emulator.requests.length, 0);
  });

  it("the CLI refuses a non-loopback host and prints help", async () => {
    await assert.rejects(
      runCli(["--host", "0.0.0.0", "--port", "0"], () => {}),
      /loopback/,
    );
    const lines: string[] = [];
    assert.equal(await runCli(["--help"], (l) => lines.push(l)), undefined);
    assert.match(lines.join("\n"), /--key-dir/);
  });

  it("the CLI seeds users from --users and applies --rate-limit", async () => {
    const file = join(dir, "users.json");
    await writeFile(file, JSON.stringify([{ emailAddress: "only.one@example.com" }]));
    const cli = (await runCli(
      ["--port", "0", "--key-dir", join(dir, "cli-users"), "--users", file, "--rate-limit", "1"],
      () => {},
    ))!;
    try {
      assert.deepEqual(
        cli.listUsers().map((u) => u.emailAddress),
        ["only.one@example.com"],
      );
      const token = await legacyJwt(cli);
      const lookup = () => cas(cli, "lookup", { token, body: { email: "only.one@example.com" } });
      assert.equal((await lookup()).status, 200);
      assert.equal((await lookup()).status, 429);
    } finally {
      await cli.close();
    }
    await assert.rejects(
      runCli(["--port", "0", "--users", file, "--latency", "soon"], () => {}),
      /--latency/,
    );
  });

  it("the CLI starts with the sample users, writes its files and prints what to set", async () => {
    const keyDir = join(dir, "cli");
    const lines: string[] = [];
    const cli = (await runCli(["--port", "0", "--key-dir", keyDir, "--latency", "1"], (l) => lines.push(l)))!;
    try {
      const out = lines.join("\n");
      const keyPath = join(keyDir, `${cli.keyFile.accessID}.key`);
      assert.ok(out.includes(`export SECURID_API_KEY_FILE=${keyPath}`));
      assert.ok(out.includes(`pulumi config set securid:apiKeyFile ${keyPath}`));
      assert.ok(out.includes(cli.url));
      assert.ok(out.includes(cli.oauthClient.clientId));
      assert.ok(!out.includes(cli.nexusCredentials.password), "the Nexus password is not printed");
      assert.equal(cli.listUsers().length, SAMPLE_USERS.length);
      assert.ok(cli.listUsers().some((u) => u.markDeleted));
      assert.ok(cli.listUsers().some((u) => u.disabledBySync));
      assert.ok(cli.listUsers().some((u) => !u.synchronized));
      const nexus = JSON.parse(await readFile(join(keyDir, "nexus-credentials.json"), "utf8"));
      assert.equal(nexus.password, cli.nexusCredentials.password);
      const jwk = JSON.parse(await readFile(join(keyDir, "oauth-client.jwk.json"), "utf8"));
      assert.equal(jwk.kid, cli.oauthClient.privateJwk.kid);
      assert.equal((await stat(keyPath)).mode & 0o077, 0);
      // The key file works against the running emulator.
      const res = await cas(cli, "lookup", {
        token: await legacyJwt(cli),
        body: { email: SAMPLE_USERS[0]!.emailAddress },
      });
      assert.equal(res.status, 200);
    } finally {
      await cli.close();
    }
    // A restart with the same key folder keeps the same credentials.
    const again = await startEmulator({ keyDir });
    try {
      assert.equal(again.keyFile.accessKey.length > 0, true);
      const first = JSON.parse(await readFile(join(keyDir, "oauth-client.json"), "utf8"));
      assert.equal(again.oauthClient.clientId, first.clientId);
      const nexus = JSON.parse(await readFile(join(keyDir, "nexus-credentials.json"), "utf8"));
      assert.equal(again.nexusCredentials.password, nexus.password);
    } finally {
      await again.close();
    }
  });
});
