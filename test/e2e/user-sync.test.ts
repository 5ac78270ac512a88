/**
 * UserSync end to end: the real dynamic-provider plugin of @pulumi/pulumi, driven over gRPC the way
 * `pulumi preview`, `up`, `refresh` and `destroy` drive it, against the emulator. Request counts
 * come from the emulator's log.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startEmulator, type Emulator } from "../../src/emulator";
import { providerFor } from "../../src/resources/thin-provider";
import { ROOT, operations, requestsDuring as requestLog } from "./fixtures";
import {
  CheckFailedError,
  Engine,
  dynamicType,
  findSecrets,
  serializeProvider,
  startPlugin,
  type PluginClient,
  type ResourceState,
} from "../../dev/engine";

const SYNC = dynamicType("securid", "UserSync");
const STATUS = dynamicType("securid", "UserStatus");

describe("UserSync through the real plugin (e2e)", function () {
  this.timeout(60_000);

  let emulator: Emulator;
  let plugin: PluginClient;
  let engine: Engine;
  let syncProvider: string;
  let statusProvider: string;
  let work: string;
  let keyFile: string;
  const states = new Map<string, ResourceState>();

  const sync = (name: string, inputs: Record<string, unknown>) => ({
    type: SYNC,
    name,
    inputs: { ...inputs, __provider: syncProvider },
  });
  const status = (name: string, inputs: Record<string, unknown>) => ({
    type: STATUS,
    name,
    inputs: { ...inputs, __provider: statusProvider },
  });

  const requestsDuring = (action: () => Promise<unknown>) => requestLog(emulator, action);

  /** The lines the plugin printed for a user (what `pulumi up` shows). */
  async function linesAbout(email: string): Promise<string[]> {
    await plugin.settleOutput();
    return plugin.stdout().filter((l) => l.startsWith("securid:") && l.includes(email));
  }

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), "securid-e2e-sync-"));
    emulator = await startEmulator({
      users: [
        { id: "u-ada", emailAddress: "ada@example.com", userStatus: "Enabled", identitySource: "Corp AD" },
        { id: "u-bea", emailAddress: "bea@example.com", userStatus: "Enabled" },
        { id: "u-cal", emailAddress: "cal@example.com", userStatus: "Enabled", directoryStatus: "Disabled" },
        { id: "u-dan", emailAddress: "dan@example.com", userStatus: "Disabled", directoryStatus: "Deleted" },
        { id: "u-eve", emailAddress: "eve@example.com", userStatus: "Enabled", directoryStatus: "Disabled" },
        { id: "u-fay", emailAddress: "fay@example.com", userStatus: "Enabled", directoryStatus: "Disabled" },
      ],
    });
    keyFile = await emulator.writeKeyFile(work);
    syncProvider = await serializeProvider(providerFor("UserSync"));
    statusProvider = await serializeProvider(providerFor("UserStatus"));
    plugin = await startPlugin({ cwd: ROOT, env: { SECURID_API_KEY_FILE: "", SECURID_API_KEY: "" } });
    await plugin.configure({ "securid:apiKeyFile": keyFile });
    engine = new Engine(plugin);
  });

  after(async () => {
    await plugin?.stop();
    await emulator?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("keeps __provider small and free of credentials", () => {
    assert.ok(syncProvider.length < 4096, `__provider is ${syncProvider.length} bytes`);
    assert.deepEqual(findSecrets(syncProvider, [emulator.keyFile.accessID, keyFile]), []);
  });

  it("the preview shows the sync will run, and sends nothing", async () => {
    const requests = await requestsDuring(async () => {
      const preview = await engine.preview(sync("ada", { email: "ada@example.com", triggers: ["hr-v1"] }));
      assert.equal(preview.op, "create");
      assert.deepEqual(preview.failures, []);
    });
    assert.deepEqual(requests, []);
  });

  it("create with email: lookup + sync (2 requests); the outputs and a line report the sync", async () => {
    const before = emulator.getUser("u-ada")!.lastSyncTime;
    await new Promise((r) => setTimeout(r, 5));
    const requests = await requestsDuring(async () => {
      const result = await engine.up(sync("ada", { email: "ada@example.com", triggers: ["hr-v1"] }));
      assert.equal(result.op, "create");
      states.set("ada", result.state);
    });
    assert.deepEqual(operations(requests), ["lookup", "sync"]);
    const outs = states.get("ada")!.outputs;
    const user = emulator.getUser("u-ada")!;
    assert.notEqual(user.lastSyncTime, before);
    assert.equal(states.get("ada")!.id, "u-ada");
    assert.equal(outs.userId, "u-ada");
    assert.equal(outs.email, "ada@example.com");
    assert.equal(outs.lastSyncTime, user.lastSyncTime, "lastSyncTime from the sync's answer");
    assert.equal(outs.status, "Enabled");
    assert.equal(outs.markDeleted, false);
    assert.equal(outs.statusBefore, "Enabled");
    assert.equal(outs.statusAfter, "Enabled");
    assert.equal(outs.statusChanged, false);
    assert.deepEqual(await linesAbout("ada@example.com"), [
      "securid: synchronized ada@example.com (u-ada) from Corp AD: status Enabled (unchanged)",
    ]);
  });

  it("create with userId: sync only (1 request)", async () => {
    const requests = await requestsDuring(async () => {
      const result = await engine.up(sync("bea", { userId: "u-bea", triggers: [1] }));
      states.set("bea", result.state);
    });
    assert.deepEqual(operations(requests), ["sync"]);
    const outs = states.get("bea")!.outputs;
    assert.equal(outs.email, "bea@example.com");
    assert.equal(outs.statusAfter, "Enabled");
    assert.equal(outs.statusChanged, null, "unknown without a lookup before the sync");
    assert.equal("statusBefore" in outs, false);
  });

  it("an up with the same inputs is a no-op: no request, whatever the object key order in triggers", async () => {
    const requests = await requestsDuring(async () => {
      for (let i = 0; i < 2; i++) {
        const ada = await engine.up(
          sync("ada", { email: "ADA@example.com", triggers: ["hr-v1"] }),
          states.get("ada"),
        );
        assert.equal(ada.op, "same");
        const bea = await engine.up(sync("bea", { userId: "u-bea", triggers: [1] }), states.get("bea"));
        assert.equal(bea.op, "same");
      }
    });
    assert.deepEqual(requests, []);
  });

  it("a trigger change: the preview shows an update (no request); the up syncs once (1 request)", async () => {
    const goal = sync("ada", { email: "ada@example.com", triggers: ["hr-v2"] });
    const previewed = await requestsDuring(async () => {
      const preview = await engine.preview(goal, states.get("ada"));
      assert.equal(preview.op, "update");
    });
    assert.deepEqual(previewed, []);
    const requests = await requestsDuring(async () => {
      const result = await engine.up(goal, states.get("ada"));
      assert.equal(result.op, "update");
      states.set("ada", result.state);
    });
    assert.deepEqual(operations(requests), ["sync"]);
    assert.deepEqual(states.get("ada")!.outputs.triggers, ["hr-v2"]);
    const again = await requestsDuring(async () => {
      const result = await engine.up(goal, states.get("ada"));
      assert.equal(result.op, "same");
    });
    assert.deepEqual(again, [], "exactly once per change");
  });

  it("triggers holding objects: a changed nested value syncs once, a reordered object does not", async () => {
    const first = await engine.up(
      sync("ada", { email: "ada@example.com", triggers: [{ version: 3, source: "hr" }] }),
      states.get("ada"),
    );
    states.set("ada", first.state);
    const requests = await requestsDuring(async () => {
      const same = await engine.up(
        sync("ada", { email: "ada@example.com", triggers: [{ source: "hr", version: 3 }] }),
        states.get("ada"),
      );
      assert.equal(same.op, "same");
      const changed = await engine.up(
        sync("ada", { email: "ada@example.com", triggers: [{ source: "hr", version: 4 }] }),
        states.get("ada"),
      );
      assert.equal(changed.op, "update");
      states.set("ada", changed.state);
    });
    assert.deepEqual(operations(requests), ["sync"]);
  });

  it("refresh: one lookup and never a sync; the next up with the same triggers sends nothing", async () => {
    emulator.updateUserOutOfBand("u-ada", { userStatus: "Disabled" });
    const lastSync = emulator.getUser("u-ada")!.lastSyncTime;
    let refreshed: ResourceState | undefined;
    const read = await requestsDuring(async () => {
      refreshed = await engine.refresh(states.get("ada")!);
    });
    assert.deepEqual(operations(read), ["lookup"]);
    assert.equal(emulator.getUser("u-ada")!.lastSyncTime, lastSync);
    assert.equal(refreshed!.outputs.status, "Disabled", "refresh shows what CAS has");
    const up = await requestsDuring(async () => {
      const result = await engine.up(
        sync("ada", { email: "ada@example.com", triggers: [{ source: "hr", version: 4 }] }),
        refreshed,
      );
      assert.equal(result.op, "same", "drift alone does not sync");
    });
    assert.deepEqual(up, []);
    states.set("ada", refreshed!);
  });

  it("the next sync takes statusBefore from the refreshed state", async () => {
    emulator.updateUserOutOfBand("u-ada", { userStatus: "Enabled" });
    const result = await engine.up(
      sync("ada", { email: "ada@example.com", triggers: ["hr-v5"] }),
      states.get("ada"),
    );
    assert.equal(result.state.outputs.statusBefore, "Disabled");
    assert.equal(result.state.outputs.statusAfter, "Enabled");
    assert.equal(result.state.outputs.statusChanged, true);
    states.set("ada", result.state);
  });

  it("changing the user replaces the resource: the new user is looked up and synchronized, the old delete sends nothing", async () => {
    const requests = await requestsDuring(async () => {
      const result = await engine.up(
        sync("ada", { email: "bea@example.com", triggers: ["hr-v5"] }),
        states.get("ada"),
      );
      assert.equal(result.op, "replace");
      assert.equal(result.state.id, "u-bea");
      states.set("ada", result.state);
    });
    assert.deepEqual(operations(requests), ["lookup", "sync"]);
  });

  it("destroy sends nothing", async () => {
    const requests = await requestsDuring(() => engine.destroy(states.get("bea")!));
    assert.deepEqual(requests, []);
  });

  it("a sync that disables the user is reported: statusChanged, statusBefore/After and a line", async () => {
    const result = await engine.up(sync("cal", { email: "cal@example.com" }));
    const outs = result.state.outputs;
    assert.equal(outs.status, "Disabled");
    assert.equal(outs.statusBefore, "Enabled");
    assert.equal(outs.statusAfter, "Disabled");
    assert.equal(outs.statusChanged, true);
    assert.deepEqual(await linesAbout("cal@example.com"), [
      "securid: synchronized cal@example.com (u-cal) from Emulator AD: status changed Enabled -> Disabled",
    ]);
    assert.equal(emulator.getUser("u-cal")!.userStatus, "Disabled");
  });

  it("a sync that marks the user for deletion is reported as Pending Deletion", async () => {
    const result = await engine.up(sync("dan", { email: "dan@example.com" }));
    const outs = result.state.outputs;
    assert.equal(outs.markDeleted, true);
    assert.equal(outs.statusBefore, "Disabled");
    assert.equal(outs.statusAfter, "Pending Deletion");
    assert.equal(outs.statusChanged, true);
    assert.deepEqual(await linesAbout("dan@example.com"), [
      "securid: synchronized dan@example.com (u-dan) from Emulator AD: status changed Disabled -> Pending Deletion",
    ]);
  });

  it("UserSync then UserStatus (dependsOn): the sync disables the user, enabling is refused with a clear error", async () => {
    // What the engine does with `dependsOn: [sync]`: the sync's step completes before the status's starts.
    const synced = await engine.up(sync("eve-sync", { email: "eve@example.com", triggers: ["hr-v1"] }));
    assert.equal(synced.state.outputs.statusChanged, true);
    const requests = await requestsDuring(async () => {
      await assert.rejects(
        engine.up(status("eve", { email: "eve@example.com", status: "Enabled" })),
        (err: Error) => {
          assert.match(
            err.message,
            /Cannot set CAS user eve@example\.com to Enabled: user eve@example\.com was disabled by an identity-source synchronization/,
          );
          assert.match(
            err.message,
            /Enable the user in the directory \(AD\/LDAP\).*then synchronize the user \(UserSync/,
          );
          return true;
        },
      );
    });
    assert.deepEqual(operations(requests), ["lookup", "setStatus"]);
    assert.equal(requests[1]!.status, 409);
    assert.equal(emulator.getUser("u-eve")!.userStatus, "Disabled");
  });

  it("UserSync then UserStatus Disabled: the status is already what the sync left, no write", async () => {
    await engine.up(sync("fay-sync", { email: "fay@example.com" }));
    const requests = await requestsDuring(async () => {
      const result = await engine.up(status("fay", { email: "fay@example.com", status: "Disabled" }));
      assert.equal(result.state.outputs.status, "Disabled");
    });
    assert.deepEqual(operations(requests), ["lookup"]);
  });

  it("bad inputs fail in check with a clear message and send nothing", async () => {
    const requests = await requestsDuring(async () => {
      await assert.rejects(
        engine.up(sync("both", { email: "ada@example.com", userId: "u-ada" })),
        (err: unknown) => {
          assert.ok(err instanceof CheckFailedError);
          assert.match(err.message, /property userId .*UserSync: set either email or userId, not both/);
          return true;
        },
      );
      await assert.rejects(
        engine.up(sync("none", { triggers: ["x"] })),
        /UserSync: email or userId is required/,
      );
      await assert.rejects(
        engine.up(sync("bad", { email: "ada@example.com", triggers: "v1" })),
        /triggers must be a list of values/,
      );
    });
    assert.deepEqual(requests, []);
  });

  it("an unknown email is a clear error, and nothing is synchronized", async () => {
    const requests = await requestsDuring(async () => {
      await assert.rejects(engine.up(sync("ghost", { email: "ghost@example.com" })), (err: Error) => {
        assert.match(
          err.message,
          /UserSync: no CAS user has the email ghost@example\.com; nothing was synchronized\./,
        );
        assert.match(err.message, /searchUnsynched: true/);
        return true;
      });
    });
    assert.deepEqual(operations(requests), ["lookup"]);
  });

  it("no credential appears in any state or in what the plugin printed", () => {
    const key = JSON.parse(readFileSync(keyFile, "utf8")) as { accessKey: string };
    const pem = key.accessKey.split("\n").filter((l) => l && !l.startsWith("-----"));
    const needles = [pem[1]!, pem[2]!, "BEGIN RSA PRIVATE KEY"];
    assert.deepEqual(findSecrets([...states.values()], needles), []);
    assert.deepEqual(findSecrets([plugin.stdout(), plugin.stderr()], needles), []);
    assert.doesNotMatch(plugin.stderr().join("\n"), /Bearer|eyJ/);
  });
});
