/**
 * UserStatus end to end: the real dynamic-provider plugin of @pulumi/pulumi, driven over gRPC the way
 * `pulumi up`, `refresh` and `destroy` drive it, against the emulator. Request counts come from the
 * emulator's log, which is what a rate-limited tenant would see.
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

const TYPE = dynamicType("securid", "UserStatus");

describe("UserStatus through the real plugin (e2e)", function () {
  this.timeout(60_000);

  let emulator: Emulator;
  let plugin: PluginClient;
  let engine: Engine;
  let provider: string;
  let work: string;
  let keyFile: string;
  const states = new Map<string, ResourceState>();

  const goal = (name: string, inputs: Record<string, unknown>) => ({
    type: TYPE,
    name,
    inputs: { ...inputs, __provider: provider },
  });

  const requestsDuring = (action: () => Promise<unknown>) => requestLog(emulator, action);

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), "securid-e2e-"));
    emulator = await startEmulator({
      users: [
        { emailAddress: "ada@example.com", firstName: "Ada", userStatus: "Enabled", smsNumber: "+15550100" },
        { emailAddress: "Grace.Hopper@example.com", userStatus: "Enabled" },
        { emailAddress: "alan@example.com", userStatus: "Disabled" },
        { emailAddress: "edsger@example.com", userStatus: "Disabled" },
        { emailAddress: "leaving@example.com", userStatus: "Disabled", markDeleted: true },
        { emailAddress: "synced-off@example.com", userStatus: "Disabled", disabledBySync: true },
        { emailAddress: "new-hire@example.com", userStatus: "Enabled", synchronized: false },
      ],
    });
    keyFile = await emulator.writeKeyFile(work);
    provider = await serializeProvider(providerFor("UserStatus"));
    plugin = await startPlugin({ cwd: ROOT, env: { SECURID_API_KEY_FILE: "" } });
    await plugin.configure({ "securid:apiKeyFile": keyFile });
    engine = new Engine(plugin);
  });

  after(async () => {
    await plugin?.stop();
    await emulator?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("keeps __provider small and free of credentials", () => {
    const key = JSON.parse(readFileSync(keyFile, "utf8")) as { accessKey: string; accessID: string };
    assert.ok(provider.length < 4096, `__provider is ${provider.length} bytes`);
    assert.deepEqual(findSecrets(provider, [key.accessKey.slice(40, 80), key.accessID, keyFile]), []);
    assert.doesNotMatch(provider, /BEGIN RSA PRIVATE KEY|accessKey/);
  });

  it("creates: one lookup for a converged user, lookup + one PUT for a user that needs a change", async () => {
    const converged = await requestsDuring(async () => {
      const result = await engine.up(goal("ada", { email: "ada@example.com", status: "Enabled" }));
      states.set("ada", result.state);
      assert.equal(result.op, "create");
    });
    assert.deepEqual(operations(converged), ["lookup"]);

    const changed = await requestsDuring(async () => {
      const result = await engine.up(goal("alan", { email: "alan@example.com", status: "Enabled" }));
      states.set("alan", result.state);
    });
    assert.deepEqual(operations(changed), ["lookup", "setStatus"]);
    assert.equal(emulator.getUser("alan@example.com")?.userStatus, "Enabled");

    const ada = states.get("ada")!.outputs;
    assert.equal(ada.userId, emulator.getUser("ada@example.com")?.id);
    assert.equal(ada.status, "Enabled");
    assert.equal(ada.previousStatus, "Enabled");
    assert.equal(ada.firstName, "Ada");
    assert.equal(ada.markDeleted, false);
    const alan = states.get("alan")!.outputs;
    assert.equal(alan.status, "Enabled", "the status the PUT answered");
    assert.equal(alan.previousStatus, "Disabled");
  });

  it("prints one audit line per write and none for users left unchanged", async () => {
    const lines = await plugin
      .settleOutput()
      .then(() => plugin.stdout().filter((l) => l.startsWith("securid:")));
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(lines[0], /^securid: alan@example\.com \([0-9a-f-]+\) status Disabled -> Enabled$/);
  });

  it("adopts a user whose email differs in case, and reports the API's spelling", async () => {
    const result = await engine.up(goal("grace", { email: "grace.hopper@EXAMPLE.com", status: "Disabled" }));
    states.set("grace", result.state);
    assert.equal(result.state.outputs.email, "Grace.Hopper@example.com");
    assert.equal(result.state.outputs.status, "Disabled");
  });

  it("running up again with the same inputs sends no request at all", async () => {
    const requests = await requestsDuring(async () => {
      for (const [name, email, status] of [
        ["ada", "ada@example.com", "Enabled"],
        ["alan", "alan@example.com", "Enabled"],
        ["grace", "grace.hopper@EXAMPLE.com", "Disabled"],
      ]) {
        const result = await engine.up(goal(name, { email, status }), states.get(name));
        assert.equal(result.op, "same", `${name} should be unchanged`);
      }
    });
    assert.deepEqual(requests, []);
  });

  it("changing the desired status is one PUT", async () => {
    const requests = await requestsDuring(async () => {
      const result = await engine.up(
        goal("ada", { email: "ada@example.com", status: "Disabled" }),
        states.get("ada"),
      );
      assert.equal(result.op, "update");
      assert.equal(result.state.outputs.status, "Disabled");
      assert.equal(
        result.state.outputs.previousStatus,
        "Enabled",
        "previousStatus is kept from the adoption",
      );
      states.set("ada", result.state);
    });
    assert.deepEqual(operations(requests), ["setStatus"]);
    assert.equal(emulator.getUser("ada@example.com")?.userStatus, "Disabled");
  });

  it("refresh finds drift made by hand with one lookup, and the next up repairs it with one PUT", async () => {
    emulator.updateUserOutOfBand("ada@example.com", { userStatus: "Enabled" });
    let refreshed: ResourceState | undefined;
    const read = await requestsDuring(async () => {
      refreshed = await engine.refresh(states.get("ada")!);
    });
    assert.deepEqual(operations(read), ["lookup"]);
    assert.equal(refreshed?.outputs.status, "Enabled", "refresh shows what CAS has");
    assert.equal(refreshed?.inputs.status, "Enabled");

    const repair = await requestsDuring(async () => {
      const result = await engine.up(
        goal("ada", { email: "ada@example.com", status: "Disabled" }),
        refreshed,
      );
      assert.equal(result.op, "update");
      states.set("ada", result.state);
    });
    assert.deepEqual(operations(repair), ["setStatus"]);
    assert.equal(emulator.getUser("ada@example.com")?.userStatus, "Disabled");
  });

  it("a user pending deletion satisfies Disabled with no write, and stays unchanged afterwards", async () => {
    const requests = await requestsDuring(async () => {
      const result = await engine.up(goal("leaving", { email: "leaving@example.com", status: "Disabled" }));
      assert.equal(result.state.outputs.markDeleted, true);
      states.set("leaving", result.state);
      const again = await engine.up(
        goal("leaving", { email: "leaving@example.com", status: "Disabled" }),
        result.state,
      );
      assert.equal(again.op, "same");
    });
    assert.deepEqual(operations(requests), ["lookup"]);
  });

  it("refuses to enable a user pending deletion, before any write, and says why", async () => {
    const requests = await requestsDuring(async () => {
      await assert.rejects(
        engine.up(goal("leaving-on", { email: "leaving@example.com", status: "Enabled" })),
        (err: Error) => {
          assert.match(
            err.message,
            /Cannot enable CAS user leaving@example\.com: the user is pending deletion/,
          );
          assert.match(err.message, /cancel the deletion in the Cloud Administration Console/);
          return true;
        },
      );
    });
    assert.deepEqual(operations(requests), ["lookup"]);
  });

  it("explains a 409 from a user disabled by identity-source sync", async () => {
    await assert.rejects(
      engine.up(goal("synced-off", { email: "synced-off@example.com", status: "Enabled" })),
      (err: Error) => {
        assert.match(err.message, /synced-off@example\.com/);
        assert.match(err.message, /disabled by an identity-source sync/i);
        return true;
      },
    );
    assert.equal(emulator.getUser("synced-off@example.com")?.userStatus, "Disabled");
  });

  it("a user unknown to CAS is an error that suggests searchUnsynched; with it the user is found", async () => {
    await assert.rejects(
      engine.up(goal("new-hire", { email: "new-hire@example.com", status: "Enabled" })),
      /No CAS user has the email new-hire@example\.com\..*searchUnsynched: true/,
    );
    const result = await engine.up(
      goal("new-hire", { email: "new-hire@example.com", status: "Enabled", searchUnsynched: true }),
    );
    assert.equal(result.state.outputs.status, "Enabled");
    const lookup = emulator.requests.filter((r) => r.operation === "lookup").at(-1);
    assert.equal(lookup?.status, 200);
  });

  it("bad inputs fail in check with a clear message and send nothing", async () => {
    const requests = await requestsDuring(async () => {
      await assert.rejects(
        engine.up(goal("typo", { email: "ada@example.com", status: "disabled" })),
        (err: unknown) => {
          assert.ok(err instanceof CheckFailedError);
          assert.match(err.message, /status must be "Enabled" or "Disabled", got "disabled"/);
          return true;
        },
      );
      await assert.rejects(engine.up(goal("no-email", { status: "Enabled" })), /email is required/);
    });
    assert.deepEqual(requests, []);
  });

  it("a user deleted from CAS stays in the state on refresh, absent, and Disabled is then satisfied", async () => {
    const edsger = await engine.up(goal("edsger", { email: "edsger@example.com", status: "Disabled" }));
    emulator.deleteUserOutOfBand("edsger@example.com");
    const refreshed = await engine.refresh(edsger.state);
    assert.ok(refreshed, "the resource stays in the state");
    assert.equal(refreshed.id, edsger.state.id);
    assert.equal(refreshed.outputs.exists, false);
    assert.equal(refreshed.outputs.status, "Absent");
    const again = await requestsDuring(async () => {
      const result = await engine.up(
        goal("edsger", { email: "edsger@example.com", status: "Disabled" }),
        refreshed,
      );
      assert.equal(result.op, "same");
    });
    assert.deepEqual(again, []);
  });

  it("mints one token for the whole run of the provider process", () => {
    const tokens = new Set(emulator.requests.filter((r) => r.api === "cas").map((r) => r.tokenId));
    assert.equal(tokens.size, 1);
    assert.equal(emulator.stats().distinctTokens, 1);
  });

  it("no credential appears in any state or in what the plugin printed", () => {
    const key = JSON.parse(readFileSync(keyFile, "utf8")) as { accessKey: string };
    const pem = key.accessKey.split("\n").filter((l) => l && !l.startsWith("-----"));
    const needles = [pem[1], pem[2], "BEGIN RSA PRIVATE KEY"];
    assert.deepEqual(findSecrets([...states.values()], needles), []);
    assert.deepEqual(findSecrets([plugin.stdout(), plugin.stderr()], needles), []);
    assert.doesNotMatch(plugin.stderr().join("\n"), /Bearer|eyJ/);
  });

  it("onDelete keep makes no call; restore puts previousStatus back with one PUT", async () => {
    const kept = await requestsDuring(() => engine.destroy(states.get("grace")!));
    assert.deepEqual(kept, []);
    assert.equal(emulator.getUser("grace.hopper@example.com")?.userStatus, "Disabled");

    const restored = await engine.up(
      goal("alan", { email: "alan@example.com", status: "Enabled", onDelete: "restore" }),
      states.get("alan"),
    );
    assert.equal(restored.op, "update", "switching onDelete is an update without request");
    // `pulumi destroy` (or the `up` that removes it) runs in a new plugin process, as the CLI starts one
    // per deployment: the process that adopted the user would see it declared and restore nothing.
    const destroyer = await startPlugin({ cwd: ROOT, env: { SECURID_API_KEY_FILE: "" } });
    const requests = await requestsDuring(async () => {
      await destroyer.configure({ "securid:apiKeyFile": keyFile });
      await new Engine(destroyer).destroy(restored.state);
    }).finally(() => destroyer.stop());
    assert.deepEqual(operations(requests), ["setStatus"]);
    assert.equal(
      emulator.getUser("alan@example.com")?.userStatus,
      "Disabled",
      "alan was Disabled before adoption",
    );
  });
});

describe("UserStatus with bad credentials (e2e)", function () {
  this.timeout(60_000);
  let emulator: Emulator;
  let work: string;
  let provider: string;

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), "securid-e2e-creds-"));
    emulator = await startEmulator({ users: [{ emailAddress: "ada@example.com", userStatus: "Enabled" }] });
    provider = await serializeProvider(providerFor("UserStatus"));
  });
  after(async () => {
    await emulator?.close();
    rmSync(work, { recursive: true, force: true });
  });

  async function attempt(config: Record<string, string>, env: NodeJS.ProcessEnv = {}) {
    const plugin = await startPlugin({
      cwd: ROOT,
      env: { SECURID_API_KEY_FILE: "", SECURID_API_KEY: "", ...env },
    });
    try {
      await plugin.configure(config);
      const engine = new Engine(plugin);
      const result = await engine
        .up({
          type: TYPE,
          name: "ada",
          inputs: { email: "ada@example.com", status: "Disabled", __provider: provider },
        })
        .then(
          () => undefined,
          (err: Error) => err,
        );
      return { error: result, stderr: plugin.stderr().join("\n") };
    } finally {
      await plugin.stop();
    }
  }

  it("no credential at all names the keys to set, and writes nothing", async () => {
    const { error } = await attempt({});
    assert.ok(error);
    assert.match(error.message, /securid:apiKeyFile/);
    assert.match(error.message, /SECURID_API_KEY_FILE/);
    assert.equal(emulator.stats().writes, 0);
  });

  it("a key file that does not exist names the path", async () => {
    const missing = path.join(work, "nope.key");
    const { error } = await attempt({ "securid:apiKeyFile": missing });
    assert.match(error?.message ?? "", new RegExp(missing.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    assert.equal(emulator.stats().writes, 0);
  });

  it("a key of another tenant is refused with a message about the key, and nothing is written", async () => {
    const other = await startEmulator({ users: [] });
    try {
      // The other emulator's key, pointed at this emulator: signature check fails, as for a revoked key.
      const file = JSON.parse(readFileSync(await other.writeKeyFile(work), "utf8"));
      file.adminRestApiUrl = emulator.url;
      const { error, stderr } = await attempt({ "securid:apiKey": JSON.stringify(file) });
      assert.ok(error);
      assert.match(error.message, /refused|revoked|role|key/i);
      assert.doesNotMatch(error.message + stderr, /BEGIN RSA PRIVATE KEY|eyJ/);
      assert.equal(emulator.stats().writes, 0);
    } finally {
      await other.close();
    }
  });
});
