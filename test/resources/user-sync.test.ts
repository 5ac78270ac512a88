/**
 * UserSync's provider object against the emulator, through the real CAS client (legacy key): what
 * each operation sends (from the emulator's request log) and what it reports.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createCasClient, resolveCasSettings, type CasClient } from "../../src/client";
import { startEmulator, type Emulator, type EmulatorOptions, type RequestLogEntry } from "../../src/emulator";
import { testContext } from "./contexts";
import { userSyncProvider, type UserSyncOutputs } from "../../src/resources/user-sync";

interface Setup {
  emulator: Emulator;
  provider: ReturnType<typeof userSyncProvider>;
  lines: string[];
  close(): Promise<void>;
}

async function setup(options: EmulatorOptions): Promise<Setup> {
  const work = mkdtempSync(path.join(tmpdir(), "securid-usersync-"));
  const emulator = await startEmulator(options);
  const keyFile = await emulator.writeKeyFile(work);
  const settings = await resolveCasSettings((k) => (k === "securid:apiKeyFile" ? keyFile : undefined), {});
  const cas: CasClient = createCasClient(settings);
  const lines: string[] = [];
  const ctx = testContext({ cas: async () => cas, log: (line) => void lines.push(line) });
  return {
    emulator,
    provider: userSyncProvider(ctx),
    lines,
    async close() {
      await cas.close();
      await emulator.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

describe("UserSync provider against the emulator", () => {
  let s: Setup;
  before(async () => {
    s = await setup({
      users: [
        { id: "u-ada", emailAddress: "Ada@example.com", userStatus: "Enabled", identitySource: "Corp AD" },
        { id: "u-bob", emailAddress: "bob@example.com", userStatus: "Enabled", directoryStatus: "Disabled" },
        { id: "u-cy", emailAddress: "cy@example.com", userStatus: "Disabled", directoryStatus: "Deleted" },
        { id: "u-new", emailAddress: "new@example.com", synchronized: false },
      ],
    });
  });
  after(() => s.close());

  async function sent<T>(
    action: () => Promise<T>,
  ): Promise<{ result: T; ops: string[]; requests: RequestLogEntry[] }> {
    const before = s.emulator.requests.length;
    const result = await action();
    const requests = s.emulator.requests.slice(before);
    return { result, ops: requests.map((r) => r.operation), requests };
  }

  /** check, then create, as the engine does. */
  async function create(news: Record<string, unknown>) {
    const checked = await s.provider.check({}, news);
    assert.equal(checked.failures, undefined);
    return s.provider.create(checked.inputs as unknown as Record<string, unknown>);
  }

  let ada: UserSyncOutputs;

  it("create by email: one lookup then one sync; the outputs come from the sync's answer", async () => {
    s.lines.length = 0;
    const before = s.emulator.getUser("u-ada")!.lastSyncTime;
    await new Promise((r) => setTimeout(r, 5));
    const { result, ops, requests } = await sent(() =>
      create({ email: "ada@EXAMPLE.com", triggers: ["v1"] }),
    );
    assert.deepEqual(ops, ["lookup", "sync"]);
    assert.equal(requests[1]!.path, "/AdminInterface/restapi/v1/users/u-ada/sync");
    assert.equal(result.id, "u-ada");
    ada = result.outs!;
    const synced = s.emulator.getUser("u-ada")!;
    assert.notEqual(synced.lastSyncTime, before);
    assert.deepEqual(ada, {
      userId: "u-ada",
      email: "Ada@example.com",
      lastSyncTime: synced.lastSyncTime,
      status: "Enabled",
      markDeleted: false,
      statusBefore: "Enabled",
      statusAfter: "Enabled",
      statusChanged: false,
      searchUnsynched: false,
      triggers: ["v1"],
    });
    assert.deepEqual(s.lines, [
      "securid: synchronized Ada@example.com (u-ada) from Corp AD: status Enabled (unchanged)",
    ]);
  });

  it("create by userId: one sync, no lookup; statusBefore is unknown", async () => {
    const { result, ops } = await sent(() => create({ userId: "u-ada" }));
    assert.deepEqual(ops, ["sync"]);
    assert.equal(result.outs!.statusBefore, undefined);
    assert.equal("statusBefore" in result.outs!, false, "no undefined value: the plugin cannot send it");
    assert.equal(result.outs!.statusChanged, null);
    assert.equal(result.outs!.statusAfter, "Enabled");
    assert.equal(result.outs!.email, "Ada@example.com");
  });

  it("update with new triggers: one sync, statusBefore from the state", async () => {
    const { result, ops } = await sent(() =>
      s.provider.update("u-ada", ada, { email: "ada@example.com", searchUnsynched: false, triggers: ["v2"] }),
    );
    assert.deepEqual(ops, ["sync"]);
    assert.equal(result.outs!.triggers![0], "v2");
    assert.equal(result.outs!.statusBefore, "Enabled");
    ada = result.outs!;
  });

  it("update of searchUnsynched alone: no request, the outputs are kept", async () => {
    const { result, ops } = await sent(() =>
      s.provider.update("u-ada", ada, { email: "ada@example.com", searchUnsynched: true, triggers: ["v2"] }),
    );
    assert.deepEqual(ops, []);
    assert.deepEqual(result.outs, { ...ada, searchUnsynched: true });
  });

  it("a sync that disables the user reports it: statusChanged, before/after, a line", async () => {
    s.lines.length = 0;
    const { result, ops } = await sent(() => create({ email: "bob@example.com" }));
    assert.deepEqual(ops, ["lookup", "sync"]);
    assert.equal(result.outs!.status, "Disabled");
    assert.equal(result.outs!.statusBefore, "Enabled");
    assert.equal(result.outs!.statusAfter, "Disabled");
    assert.equal(result.outs!.statusChanged, true);
    assert.deepEqual(s.lines, [
      "securid: synchronized bob@example.com (u-bob) from Emulator AD: status changed Enabled -> Disabled",
    ]);
    assert.equal(s.emulator.getUser("u-bob")!.userStatus, "Disabled");
  });

  it("a sync that marks the user for deletion reports Pending Deletion", async () => {
    const { result } = await sent(() => create({ email: "cy@example.com" }));
    assert.equal(result.outs!.markDeleted, true);
    assert.equal(result.outs!.status, "Disabled");
    assert.equal(result.outs!.statusBefore, "Disabled");
    assert.equal(result.outs!.statusAfter, "Pending Deletion");
    assert.equal(result.outs!.statusChanged, true);
  });

  it("a later sync compares with the state as the last refresh left it", async () => {
    s.emulator.updateUserOutOfBand("u-ada", { directoryStatus: "Disabled" });
    const refreshed = { ...ada, status: "Enabled" };
    const { result } = await sent(() =>
      s.provider.update("u-ada", refreshed, {
        email: "ada@example.com",
        searchUnsynched: false,
        triggers: ["v3"],
      }),
    );
    assert.equal(result.outs!.statusBefore, "Enabled");
    assert.equal(result.outs!.statusAfter, "Disabled");
    assert.equal(result.outs!.statusChanged, true);
    ada = result.outs!;
  });

  it("read: one lookup and no sync; it refreshes the user's fields and keeps the last sync's report", async () => {
    s.emulator.updateUserOutOfBand("u-ada", { userStatus: "Enabled", disabledBySync: false });
    const syncsBefore = s.emulator.getUser("u-ada")!.lastSyncTime;
    const { result, ops } = await sent(() => s.provider.read("u-ada", ada));
    assert.deepEqual(ops, ["lookup"]);
    assert.equal(result.id, "u-ada");
    assert.equal(result.props!.status, "Enabled");
    assert.equal(result.props!.statusAfter, "Disabled", "what the last sync did");
    assert.deepEqual(result.props!.triggers, ["v3"]);
    assert.equal(s.emulator.getUser("u-ada")!.lastSyncTime, syncsBefore);
  });

  it("read of a user gone from CAS removes it from the state", async () => {
    const { result } = await sent(() => s.provider.read("u-x", { ...ada, email: "gone@example.com" }));
    assert.equal(result.id, "");
  });

  it("delete sends nothing", async () => {
    const { ops } = await sent(() => s.provider.delete());
    assert.deepEqual(ops, []);
  });

  it("an unknown email is a clear error and nothing is synchronized; searchUnsynched finds the user", async () => {
    const { ops } = await sent(async () => {
      await assert.rejects(create({ email: "new@example.com" }), (err: Error & { code?: string }) => {
        assert.equal(err.code, "ERR_USER_NOT_FOUND");
        assert.match(
          err.message,
          /UserSync: no CAS user has the email new@example\.com; nothing was synchronized\./,
        );
        assert.match(err.message, /searchUnsynched: true/);
        return true;
      });
    });
    assert.deepEqual(ops, ["lookup"]);
    const found = await create({ email: "new@example.com", searchUnsynched: true });
    assert.equal(found.id, "u-new");
  });

  it("an unknown userId is a clear error from the sync", async () => {
    await assert.rejects(create({ userId: "u-nobody" }), (err: Error & { code?: string }) => {
      assert.equal(err.code, "ERR_USER_NOT_FOUND");
      assert.match(err.message, /no CAS user has the id u-nobody/);
      return true;
    });
  });
});

describe("UserSync provider on a tenant that shows Pending Deletion as a userStatus", () => {
  let s: Setup;
  before(async () => {
    s = await setup({
      pendingDeletionStyle: "userStatus",
      users: [
        { id: "u-dee", emailAddress: "dee@example.com", userStatus: "Enabled", directoryStatus: "Deleted" },
      ],
    });
  });
  after(() => s.close());

  it("reports Pending Deletion the same way", async () => {
    const checked = await s.provider.check({}, { email: "dee@example.com" });
    const { outs } = await s.provider.create(checked.inputs as unknown as Record<string, unknown>);
    assert.equal(outs!.status, "Pending Deletion");
    assert.equal(outs!.statusBefore, "Enabled");
    assert.equal(outs!.statusAfter, "Pending Deletion");
    assert.equal(outs!.statusChanged, true);
    assert.match(s.lines.join("\n"), /status changed Enabled -> Pending Deletion$/);
  });
});
