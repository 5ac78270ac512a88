/** The engine stand-in's rules, without a program: URNs, aliases, value rendering, ordering, checkpoint, monitor. */
import assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import * as resrpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import {
  MonitorServers,
  PassphraseCrypter,
  StepExecutor,
  UNKNOWN,
  createUrn,
  deleteInReverseDependencyOrder,
  displayTypeName,
  exportCheckpoint,
  findSecrets,
  generateAliases,
  goPropertyValue,
  importCheckpoint,
  initErrorMessage,
  markSecretOutputs,
  parseUrn,
  wrapSecret,
  type MonitorHandler,
  type ResourceRecord,
} from "../../../dev/engine";

const STACK = "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev";

function record(urn: string, extra: Partial<ResourceRecord> = {}): ResourceRecord {
  const { type, name } = parseUrn(urn);
  return { urn, type, name, custom: true, inputs: {}, outputs: {}, dependencies: [], ...extra };
}

describe("dev/engine rules", () => {
  it("URNs: the parent's type chain, except the root stack's; names may contain '::'", () => {
    const roster = createUrn("dev", "proj", STACK, "securid:test:Roster", "team");
    assert.equal(roster, "urn:pulumi:dev::proj::securid:test:Roster::team");
    const child = createUrn("dev", "proj", roster, "pulumi-nodejs:dynamic/securid:UserStatus", "a::b");
    assert.equal(
      child,
      "urn:pulumi:dev::proj::securid:test:Roster$pulumi-nodejs:dynamic/securid:UserStatus::a::b",
    );
    assert.deepEqual(parseUrn(child), {
      stack: "dev",
      project: "proj",
      qualifiedType: "securid:test:Roster$pulumi-nodejs:dynamic/securid:UserStatus",
      type: "pulumi-nodejs:dynamic/securid:UserStatus",
      name: "a::b",
    });
    assert.equal(
      displayTypeName("pulumi-nodejs:dynamic/securid:UserStatus"),
      "pulumi-nodejs:dynamic/securid:UserStatus",
    );
    assert.equal(displayTypeName("aws:s3/bucket:Bucket"), "aws:s3:Bucket");
  });

  it("aliases: a spec defaults to the resource's own fields; children follow a renamed parent", () => {
    const ctx = { stack: "dev", project: "proj", parentAliases: new Map<string, string>() };
    const type = "pulumi-nodejs:dynamic/securid:UserStatus";
    assert.deepEqual(generateAliases(ctx, "new", type, STACK, [{ name: "old", parentUrn: STACK }]), [
      `urn:pulumi:dev::proj::${type}::old`,
    ]);
    assert.deepEqual(generateAliases(ctx, "x", type, STACK, [{ urn: "urn:pulumi:prod::p::t:m:T::y" }]), [
      "urn:pulumi:prod::p::t:m:T::y",
    ]);
    const crew = "urn:pulumi:dev::proj::securid:test:Roster::crew";
    ctx.parentAliases.set(crew, "urn:pulumi:dev::proj::securid:test:Roster::team");
    assert.deepEqual(generateAliases(ctx, "crew-ada", type, crew, []), [
      `urn:pulumi:dev::proj::securid:test:Roster$${type}::team-ada`,
    ]);
    assert.deepEqual(generateAliases(ctx, "solo", type, crew, [{ noParent: true }]), [
      `urn:pulumi:dev::proj::${type}::solo`,
      `urn:pulumi:dev::proj::securid:test:Roster$${type}::solo`,
    ]);
  });

  it("renders property values as the engine's check failures do", () => {
    assert.equal(goPropertyValue("enabled"), "{enabled}");
    assert.equal(goPropertyValue(undefined), "{<nil>}");
    assert.equal(goPropertyValue(3), "{3}");
    assert.equal(goPropertyValue(1e21), "{1e+21}");
    assert.equal(goPropertyValue(true), "{true}");
    assert.equal(goPropertyValue(["a", 1]), "{[{a} {1}]}");
    assert.equal(goPropertyValue({ b: 1, a: "x" }), "{map[a:{x} b:{1}]}");
    assert.equal(goPropertyValue(UNKNOWN), "output<string>{}");
    assert.equal(goPropertyValue(wrapSecret("s")), "{&{{s}}}");
  });

  it("init errors read as the engine prints them", () => {
    assert.equal(initErrorMessage([]), "resource init failed");
    assert.equal(initErrorMessage(["a"]), "1 error occurred:\n\t* a\n\n");
    assert.equal(initErrorMessage(["a", "b"]), "2 errors occurred:\n\t* a\n\t* b\n\n");
  });

  it("marks outputs secret: additionalSecretOutputs, and outputs whose input of the same name is secret", () => {
    const outs = markSecretOutputs({ a: 1, b: 2, c: 3, id: "x" }, { b: wrapSecret(2) }, [
      "a",
      "id",
      "missing",
    ]);
    assert.deepEqual(outs, { a: wrapSecret(1), b: wrapSecret(2), c: 3, id: "x" });
  });

  it("deletes dependents and children first, independent ones at once, nothing after a failure", async () => {
    const parent = record("urn:pulumi:dev::proj::t:m:C::p", { custom: false });
    const a = record("urn:pulumi:dev::proj::t:m:C$t:m:R::a", { parent: parent.urn });
    const b = record("urn:pulumi:dev::proj::t:m:R::b", { dependencies: [a.urn] });
    const c = record("urn:pulumi:dev::proj::t:m:R::c", { propertyDependencies: { x: [b.urn] } });
    const d = record("urn:pulumi:dev::proj::t:m:R::d");
    const order: string[] = [];
    const outcome = await deleteInReverseDependencyOrder(
      [parent, a, b, c, d],
      new StepExecutor(4),
      async (r) => {
        order.push(r.name);
      },
    );
    assert.deepEqual(
      order.filter((n) => n !== "d"),
      ["c", "b", "a", "p"],
    );
    assert.equal(outcome.notDeleted.length, 0);

    const failing = await deleteInReverseDependencyOrder(
      [parent, a, b, c],
      new StepExecutor(1),
      async (r) => {
        if (r.name === "b") throw new Error("b refuses");
      },
    );
    assert.deepEqual(
      failing.deleted.map((r) => r.name),
      ["c"],
    );
    assert.deepEqual(
      failing.notDeleted.map((r) => r.name),
      ["p", "a", "b"],
    );
  });

  it("the executor runs at most `parallel` steps and none after a failure", async () => {
    const exec = new StepExecutor(2);
    let running = 0;
    let peak = 0;
    const step = async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 10));
      running--;
    };
    await Promise.all(Array.from({ length: 6 }, () => exec.run(step)));
    assert.equal(peak, 2);
    await assert.rejects(
      exec.run(async () => {
        throw new Error("boom");
      }),
      /boom/,
    );
    await assert.rejects(exec.run(step), /cancelled/);
    assert.equal(exec.cancelled, true);
  });

  it("the checkpoint export encrypts secrets with the passphrase; import decrypts them", () => {
    const crypter = PassphraseCrypter.create("pass");
    const resources = [
      record("urn:pulumi:dev::proj::t:m:R::r", {
        id: "id-1",
        inputs: { password: wrapSecret("p@ss") },
        outputs: { password: wrapSecret("p@ss"), nested: { token: wrapSecret({ v: "t0k" }) }, plain: 1 },
        initErrors: ["not ready"],
      }),
    ];
    const text = exportCheckpoint(resources, crypter, crypter.state);
    assert.deepEqual(findSecrets(text, ["p@ss", "t0k"]), []);
    const back = importCheckpoint(text, (salt) => PassphraseCrypter.fromState("pass", salt));
    assert.deepEqual(back.resources, resources);
    assert.throws(
      () => importCheckpoint(text, (salt) => PassphraseCrypter.fromState("nope", salt)),
      /incorrect/,
    );
    const shown = exportCheckpoint(resources, undefined, crypter.state);
    assert.deepEqual(findSecrets(shown, ["p@ss"]), ["p@ss"]);
  });

  it("the monitor answers SupportsFeature as the engine does for what is implemented; Invoke and ReadResource fail", async () => {
    const handler: MonitorHandler = {
      registerResource: async () => ({ urn: "", id: "", object: {} }),
      registerResourceOutputs: async () => undefined,
      signalAndWaitForShutdown: async () => undefined,
      log: () => undefined,
    };
    const servers = await MonitorServers.start(handler);
    const client = new resrpc.ResourceMonitorClient(
      servers.monitorAddress,
      grpc.credentials.createInsecure(),
    );
    try {
      const supports = (id: string) =>
        new Promise<boolean>((resolve, reject) =>
          client.supportsFeature(new resproto.SupportsFeatureRequest().setId(id), (err, res) =>
            err ? reject(err) : resolve(res.getHassupport()),
          ),
        );
      assert.equal(await supports("secrets"), true);
      assert.equal(await supports("aliasSpecs"), true);
      assert.equal(await supports("resourceReferences"), false);
      assert.equal(await supports("outputValues"), false);
      assert.equal(await supports("deletedWith"), false);
      const invoke = await new Promise<grpc.ServiceError | null>((resolve) =>
        client.invoke(new resproto.ResourceInvokeRequest().setTok("securid:index:getUser"), (err) =>
          resolve(err),
        ),
      );
      assert.match(invoke?.details ?? "", /unknown function securid:index:getUser/);
      const read = await new Promise<grpc.ServiceError | null>((resolve) =>
        client.readResource(new resproto.ReadResourceRequest().setType("t:m:R").setName("r"), (err) =>
          resolve(err),
        ),
      );
      assert.match(read?.details ?? "", /not supported/);
    } finally {
      client.close();
      servers.stop();
    }
  });
});
