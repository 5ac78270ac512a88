/**
 * What the engine does with an error that carries `id` and `properties` (ErrorResourceInitFailed), through the
 * engine stand-in and the real plugin (test program `programs/init-error`, a dynamic provider of its own whose
 * `diff` always answers "no change").
 */
import assert from "node:assert/strict";
import { ProgramStack } from "../../../dev/engine";
import { PROGRAMS, assertOk, calls } from "./fixtures";

const URN = "urn:pulumi:dev::init-error::pulumi-nodejs:dynamic/test:HalfReady::half";

describe("dev/engine ProgramStack: init errors (ErrorResourceInitFailed)", function () {
  this.timeout(120_000);

  it("with reasons: recorded with its properties and reasons, then updated on the next up although diff says no change", async () => {
    const stack = new ProgramStack({ dir: PROGRAMS.initError });
    stack.setConfig("halfReady:reasons", ["waiting for the directory"]);

    const failed = await stack.up();
    assert.equal(failed.ok, false);
    assert.deepEqual(
      failed.steps.filter((s) => s.failed),
      [{ urn: URN, type: "pulumi-nodejs:dynamic/test:HalfReady", name: "half", op: "create", failed: true }],
    );
    const error = failed.diagnostics.find((d) => d.urn === URN);
    assert.equal(error?.message, "1 error occurred:\n\t* waiting for the directory\n\n");
    const recorded = stack.resource("half")!;
    assert.equal(recorded.id, "half-k1");
    assert.deepEqual(recorded.initErrors, ["waiting for the directory"]);
    assert.equal(recorded.outputs.ready, false);
    assert.equal(typeof recorded.outputs.__provider, "string", "the properties kept the provider code");

    const next = assertOk(await stack.up());
    assert.deepEqual(calls(next), ["configure default", "check half", "diff half", "update half"]);
    assert.deepEqual(next.counts, { same: 1, update: 1 });
    assert.equal(stack.resource("half")!.initErrors, undefined);
    assert.equal(stack.resource("half")!.outputs.ready, true);
    assert.deepEqual(next.outputs.ready, {
      value: true,
      secret: false,
      containsSecrets: false,
      unknown: false,
    });

    const converged = assertOk(await stack.up());
    assert.deepEqual(calls(converged), ["configure default", "check half", "diff half"]);

    const destroyed = assertOk(await stack.destroy());
    assert.deepEqual(calls(destroyed), ["configure default", "delete half"]);
    assert.ok(destroyed.plugin.stdout.includes("delete half-k1"), destroyed.plugin.stdout.join("\n"));
  });

  it("without reasons: the engine says only 'resource init failed' and records no init error, so no update follows", async () => {
    const stack = new ProgramStack({ dir: PROGRAMS.initError });
    const failed = await stack.up();
    assert.equal(failed.ok, false);
    assert.equal(failed.diagnostics.find((d) => d.urn === URN)?.message, "resource init failed");
    assert.equal(stack.resource("half")!.id, "half-k1");
    assert.equal(stack.resource("half")!.initErrors, undefined);

    const next = assertOk(await stack.up());
    assert.deepEqual(calls(next), ["configure default", "check half", "diff half"]);
    assert.equal(stack.resource("half")!.outputs.ready, false, "still the properties of the failed create");
  });

  it("a plain error records nothing", async () => {
    const stack = new ProgramStack({ dir: PROGRAMS.initError });
    stack.setConfig("halfReady:mode", "plain");
    const failed = await stack.up();
    assert.equal(failed.ok, false);
    assert.equal(
      failed.diagnostics.find((d) => d.urn === URN)?.message,
      "create of k1 failed: nothing was made",
    );
    assert.equal(stack.resource("half"), undefined);
  });
});
