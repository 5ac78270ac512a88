import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  CheckFailedError,
  Engine,
  PartialFailureError,
  PluginCallError,
  UNKNOWN,
  dynamicType,
  findSecrets,
  isSecret,
  serializeProvider,
  serializeProviderDetailed,
  startPlugin,
  wrapSecret,
  type PluginClient,
  type ResourceGoal,
} from "../../../dev/engine";

const ROOT = path.resolve(__dirname, "../../..");
const TYPE = dynamicType("test", "Thing");
const API_KEY = "s3cr3t-api-key-value";

/** A tiny dynamic provider, serialized by value into `__provider` like any provider defined in a program. */
const testProvider = {
  async configure(this: any, req: any) {
    this.cfg = {
      apiKeyLength: (req.config.get("securid:apiKey") ?? "").length,
      // Unqualified key: the plugin prefixes the project name it got from PULUMI_NODEJS_PROJECT.
      region: req.config.get("region") ?? "none",
    };
  },
  async check(olds: any, news: any) {
    if (news.value === "throw-in-check") throw new Error("check exploded");
    const failures: { property: string; reason: string }[] = [];
    if (typeof news.value !== "string")
      failures.push({ property: "value", reason: "value must be a string" });
    // A default computed on create and carried over afterwards (re-computed on replace, olds = {}).
    const serial = olds.serial ?? news.serial ?? `s-${news.key}`;
    return { inputs: { ...news, serial }, failures };
  },
  async diff(_id: string, olds: any, news: any) {
    if (news.diffMode === "unknown") return {};
    const replaces = olds.key !== news.key ? ["key"] : [];
    return {
      changes: olds.value !== news.value || replaces.length > 0,
      replaces,
      deleteBeforeReplace: news.dbr === true,
    };
  },
  async create(this: any, inputs: any) {
    console.log(`creating ${inputs.key}=${inputs.value}`);
    if (inputs.value === "boom") throw new Error("create failed: boom");
    if (inputs.value === "partial") {
      const e: any = new Error("created but not ready");
      e.id = "partial-id";
      e.properties = { value: "partial" };
      throw e;
    }
    return {
      id: `id-${inputs.key}-${inputs.value}`,
      outs: {
        key: inputs.key,
        value: inputs.value,
        serial: inputs.serial,
        apiKeyLength: this.cfg.apiKeyLength,
        region: this.cfg.region,
        cwd: process.cwd(),
      },
    };
  },
  async read(id: string, props: any) {
    if (props.value === "gone") return { id: "" };
    return { id, props: { ...props, refreshed: true } };
  },
  async update(_id: string, olds: any, news: any) {
    console.error(`updating ${olds.value} -> ${news.value}`);
    return { outs: { ...olds, value: news.value } };
  },
  async delete(id: string) {
    console.log(`deleting ${id}`);
  },
};

describe("e2e harness: the real dynamic-provider plugin over gRPC", function () {
  this.timeout(20_000);
  let plugin: PluginClient;
  let engine: Engine;
  let providerText: string;

  const goal = (
    name: string,
    inputs: Record<string, unknown>,
    extra: Partial<ResourceGoal> = {},
  ): ResourceGoal => ({
    type: TYPE,
    name,
    inputs: { ...inputs, __provider: providerText },
    ...extra,
  });

  before(async () => {
    providerText = await serializeProvider(testProvider);
    plugin = await startPlugin({ cwd: ROOT });
    const res = await plugin.configure({ "securid:apiKey": API_KEY, "securid-e2e:region": "eu" }, [
      "securid:apiKey",
    ]);
    assert.deepEqual(res, { acceptSecrets: false, acceptResources: false, supportsPreview: false });
    engine = new Engine(plugin);
  });

  after(async () => {
    await plugin?.stop();
  });

  it("serializes the provider like pulumi.dynamic.Resource", async () => {
    const detailed = await serializeProviderDetailed(testProvider);
    assert.equal(detailed.text, providerText);
    assert.equal(detailed.containsSecrets, false);
    assert.match(providerText, /exports\.handler/);
    assert.equal(TYPE, "pulumi-nodejs:dynamic/test:Thing");
    assert.equal(plugin.urn(TYPE, "a"), "urn:pulumi:dev::securid-e2e::pulumi-nodejs:dynamic/test:Thing::a");
    assert.match(await plugin.pluginInfo(), /^\d+\.\d+\.\d+/);
  });

  it("runs check/create/read/diff/update/delete through raw RPCs, config secrets unwrapped", async () => {
    const urn = plugin.urn(TYPE, "raw");
    const news = { key: "k", value: "a", __provider: providerText };
    const checked = await plugin.check(urn, {}, news);
    assert.deepEqual(checked.failures, []);
    assert.equal(checked.inputs.serial, "s-k");
    assert.equal(checked.inputs.__provider, providerText);

    const created = await plugin.create(urn, checked.inputs);
    assert.equal(created.id, "id-k-a");
    assert.equal(created.outs.apiKeyLength, API_KEY.length, "secret config reached configure in plain text");
    assert.equal(created.outs.region, "eu", "unqualified key resolved with PULUMI_NODEJS_PROJECT");
    assert.equal(created.outs.cwd, ROOT);
    assert.equal(created.outs.__provider, providerText, "the plugin adds __provider to the outputs");

    const read = await plugin.read(urn, created.id, created.outs, checked.inputs);
    assert.equal(read.id, created.id);
    assert.equal(read.props.refreshed, true);
    assert.equal(read.inputs, undefined);

    const diff = await plugin.diff(urn, created.id, created.outs, { ...checked.inputs, value: "b" });
    assert.deepEqual(diff, {
      changes: "DIFF_SOME",
      replaces: [],
      stables: [],
      diffs: [],
      deleteBeforeReplace: false,
    });
    const updated = await plugin.update(urn, created.id, created.outs, { ...checked.inputs, value: "b" });
    assert.equal(updated.outs.value, "b");
    await plugin.delete(urn, created.id, updated.outs);
    assert.equal(await plugin.waitForOutput("creating k=a"), "creating k=a");
    await plugin.waitForOutput("deleting id-k-a");
    await plugin.waitForOutput(/^updating a -> b$/, { stream: "stderr" });
  });

  it("up: create, same, update; refresh; destroy; no credential in state", async () => {
    const first = await engine.up(goal("thing", { key: "k1", value: "a", secretish: wrapSecret("x") }));
    assert.equal(first.op, "create");
    assert.equal(first.state.id, "id-k1-a");
    assert.ok(isSecret(first.state.inputs.secretish), "engine re-marks secret inputs after check");

    const same = await engine.up(
      goal("thing", { key: "k1", value: "a", secretish: wrapSecret("x") }),
      first.state,
    );
    assert.equal(same.op, "same");
    assert.equal(same.state.outputs, first.state.outputs);

    const before = plugin.callCounts().update ?? 0;
    const upd = await engine.up(goal("thing", { key: "k1", value: "b" }), same.state);
    assert.equal(upd.op, "update");
    assert.equal(upd.state.outputs.value, "b");
    assert.equal(upd.state.inputs.serial, "s-k1", "check got the old inputs as olds");
    assert.equal(plugin.callCounts().update, before + 1);

    const refreshed = await engine.refresh(upd.state);
    assert.equal(refreshed?.outputs.refreshed, true);
    assert.deepEqual(findSecrets(refreshed, [API_KEY]), []);
    assert.deepEqual(findSecrets(refreshed, ["s-k1", "nope"]), ["s-k1"]);

    await engine.destroy(refreshed!);
    await plugin.waitForOutput("deleting id-k1-a");
    const gone = await engine.refresh({ ...upd.state, outputs: { ...upd.state.outputs, value: "gone" } });
    assert.equal(gone, undefined);
  });

  it("preview calls check and diff only, never create or update", async () => {
    await plugin.settleOutput();
    plugin.clearOutput();
    const counts = plugin.callCounts();
    const p1 = await engine.preview(goal("pv", { key: "k", value: "a" }));
    assert.equal(p1.op, "create");
    const created = await engine.up(goal("pv", { key: "k", value: "a" }));
    const p2 = await engine.preview(goal("pv", { key: "k", value: UNKNOWN }), created.state);
    assert.equal(p2.op, "update");
    const p3 = await engine.preview(goal("pv", { key: "k2", value: "a" }), created.state);
    assert.equal(p3.op, "replace");
    assert.equal(p3.inputs.serial, "s-k2", "replace re-checks without olds");
    const after = plugin.callCounts();
    assert.equal(after.create, (counts.create ?? 0) + 1, "only the up created");
    assert.equal(after.update ?? 0, counts.update ?? 0);
    await plugin.settleOutput();
    assert.deepEqual(plugin.stdout(), ["creating k=a"]);
  });

  it("replace: create-before-delete by default, delete-before-replace when asked", async () => {
    const a = await engine.up(goal("rep", { key: "k1", value: "a" }));
    engine.calls.length = 0;
    const r = await engine.up(goal("rep", { key: "k2", value: "a" }), a.state);
    assert.equal(r.op, "replace");
    assert.equal(r.state.id, "id-k2-a");
    assert.equal(r.state.inputs.serial, "s-k2");
    assert.equal(r.replaced?.id, "id-k1-a");
    assert.deepEqual(
      engine.calls.map((c) => c.method),
      ["check", "diff", "check", "create", "delete"],
    );

    engine.calls.length = 0;
    const d = await engine.up(goal("rep", { key: "k3", value: "a", dbr: true }), r.state);
    assert.equal(d.op, "replace");
    assert.deepEqual(
      engine.calls.map((c) => c.method),
      ["check", "diff", "check", "delete", "create"],
    );
  });

  it("DIFF_UNKNOWN: the engine diffs old and new inputs itself", async () => {
    const a = await engine.up(goal("unk", { key: "k", value: "a", diffMode: "unknown" }));
    const diff = await plugin.diff(a.state.urn, a.state.id, a.state.outputs, a.state.inputs);
    assert.equal(diff.changes, "DIFF_UNKNOWN");
    const same = await engine.up(goal("unk", { key: "k", value: "a", diffMode: "unknown" }), a.state);
    assert.equal(same.op, "same");
    const upd = await engine.up(
      goal("unk", { key: "k", value: "a", diffMode: "unknown", note: "x" }),
      a.state,
    );
    assert.equal(upd.op, "update");
    // Any change to the serialized provider text is an input change too.
    const other = await engine.up(
      {
        ...goal("unk", { key: "k", value: "a", diffMode: "unknown" }),
        inputs: { ...a.state.inputs, __provider: providerText + "\n" },
      },
      a.state,
    );
    assert.equal(other.op, "update");
  });

  it("check failures stop the resource; errors come back as gRPC details", async () => {
    const counts = plugin.callCounts();
    await assert.rejects(engine.up(goal("bad", { key: "k", value: 42 })), (e: unknown) => {
      assert.ok(e instanceof CheckFailedError);
      assert.deepEqual(e.failures, [{ property: "value", reason: "value must be a string" }]);
      assert.match(
        e.message,
        /resource 'bad': property value value 42 has a problem: value must be a string/,
      );
      return true;
    });
    assert.equal(plugin.callCounts().create, counts.create);

    await assert.rejects(engine.up(goal("boom", { key: "k", value: "boom" })), (e: unknown) => {
      assert.ok(e instanceof PluginCallError);
      assert.equal(e.message, "create failed: boom");
      assert.equal(e.grpcCode, 2);
      assert.equal(e.method, "create");
      return true;
    });

    await plugin.settleOutput();
    plugin.clearOutput();
    await assert.rejects(engine.up(goal("thr", { key: "k", value: "throw-in-check" })), (e: unknown) => {
      assert.ok(e instanceof PluginCallError);
      assert.equal(e.message, "check exploded");
      return true;
    });
    await plugin.waitForOutput(/^Error: check exploded: Error: check exploded$/, { stream: "stderr" });

    await assert.rejects(engine.up(goal("half", { key: "k", value: "partial" })), (e: unknown) => {
      assert.ok(e instanceof PartialFailureError);
      assert.equal(e.state.id, "partial-id");
      assert.equal(e.state.outputs.value, "partial");
      return true;
    });
  });

  it("upMany runs resources with bounded concurrency", async () => {
    const goals = Array.from({ length: 24 }, (_, i) => goal(`m${i}`, { key: `m${i}`, value: "v" }));
    const results = await engine.upMany(goals, [], { parallel: 6 });
    assert.equal(results.length, 24);
    const ids = results.map((r) => (r.status === "fulfilled" ? r.value.state.id : "failed"));
    assert.equal(new Set(ids).size, 24);
    assert.ok(!ids.includes("failed"));

    const withFailure = await engine.upMany(
      [goal("f0", { key: "f0", value: "boom" }), goal("f1", { key: "f1", value: "v" })],
      [],
      { parallel: 1 },
    );
    assert.equal(withFailure[0]!.status, "rejected");
    assert.match(String((withFailure[1] as PromiseRejectedResult).reason), /not attempted/);
  });

  it("the plugin configures each provider text lazily and does not wait for configure on concurrent first calls", async () => {
    const slow = {
      async configure(this: any) {
        await new Promise((r) => setTimeout(r, 300));
        this.ready = true;
      },
      async check(this: any, _olds: any, news: any) {
        return { inputs: { ...news, sawConfigured: this.ready === true } };
      },
      async create() {
        return { id: "x", outs: {} };
      },
    };
    const text = await serializeProvider(slow);
    const urn = plugin.urn(TYPE, "slow");
    const results = await Promise.all([0, 1, 2].map((i) => plugin.check(urn, {}, { i, __provider: text })));
    assert.deepEqual(
      results.map((r) => r.inputs.sawConfigured),
      [true, false, false],
    );
  });

  it("create with preview=true is NOT a dry run in this plugin (the engine never sends it)", async () => {
    await plugin.settleOutput();
    plugin.clearOutput();
    const urn = plugin.urn(TYPE, "pf");
    const r = await plugin.create(
      urn,
      { key: "pf", value: "a", serial: "s", __provider: providerText },
      { preview: true },
    );
    assert.equal(r.id, "id-pf-a");
    await plugin.waitForOutput("creating pf=a");
  });

  it("finds credentials anywhere, also inside __provider, unless wrapped as secret when asked", () => {
    const leaky = { inputs: { __provider: `const k = "${API_KEY}";` }, outputs: { x: wrapSecret(API_KEY) } };
    assert.deepEqual(findSecrets(leaky, [API_KEY, "", "absent"]), [API_KEY]);
    assert.deepEqual(
      findSecrets({ outputs: { x: wrapSecret(API_KEY) } }, [API_KEY], { skipSecretValues: true }),
      [],
    );
  });

  it("starts in another cwd, reports memory, and stop() leaves no process behind", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "harness-"));
    try {
      await assert.rejects(startPlugin({ cwd: dir }), /not resolvable/);
      const p = await startPlugin({
        cwd: dir,
        pluginPath: require.resolve("@pulumi/pulumi/cmd/dynamic-provider"),
        project: "other",
        stack: "prod",
      });
      try {
        const created = await new Engine(p).up(goal("cwd", { key: "c", value: "a" }));
        assert.equal(created.state.outputs.cwd, dir);
        assert.equal(created.state.outputs.region, "none", "not configured: config empty");
        assert.equal(created.state.urn, "urn:pulumi:prod::other::pulumi-nodejs:dynamic/test:Thing::cwd");
        assert.ok(p.rssPeakKb() > 10_000);
      } finally {
        await p.stop();
      }
      const { signal } = await p.exited;
      assert.equal(signal, "SIGTERM");
      assert.throws(() => process.kill(p.pid, 0), /ESRCH/);
      assert.ok(p.rssPeakKb() > 0, "last known peak kept after exit");
      await p.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
