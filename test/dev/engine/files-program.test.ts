/**
 * Refresh, replacements and pending deletes through the engine stand-in, with files as resources (test program
 * `programs/files`): a file changed behind the stack's back is a drift, a file removed leaves the state, and the
 * next up puts both back.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ProgramStack } from "../../../dev/engine";
import { PROGRAMS, assertOk, calls, stepsOf } from "./fixtures";

describe("dev/engine ProgramStack: refresh, replacements, pending deletes (files program)", function () {
  this.timeout(120_000);

  let dir: string;
  let stack: ProgramStack;
  const file = (name: string) => path.join(dir, `${name}.txt`);

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "dev-engine-files-"));
    stack = new ProgramStack({ dir: PROGRAMS.files });
    stack.setConfig("files:list", [
      { name: "a", path: file("a"), content: "alpha" },
      { name: "b", path: file("b"), content: "beta" },
    ]);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it("finds a changed file (drift) and a removed one (gone), and the next up puts both back", async () => {
    assertOk(await stack.up());
    assert.equal(readFileSync(file("a"), "utf8"), "alpha");
    writeFileSync(file("a"), "changed by hand");
    rmSync(file("b"));

    const refreshed = assertOk(await stack.refresh());
    assert.deepEqual(stepsOf(refreshed), ["refresh:delete b", "refresh:same files-dev", "refresh:update a"]);
    assert.deepEqual(refreshed.counts, { same: 1, update: 1, delete: 1 });
    assert.deepEqual(
      calls(refreshed)
        .filter((c) => c.startsWith("read "))
        .sort(),
      ["read a", "read b"],
    );
    const a = stack.resource("a")!;
    assert.equal(a.outputs.content, "changed by hand");
    assert.equal(a.inputs.content, "changed by hand", "the inputs read returned replace the stored ones");
    assert.equal(stack.resource("b"), undefined);
    assert.match(
      refreshed.text,
      /\nResources:\n {4}~ 1 updated\n {4}- 1 deleted\n {4}2 changes\. 1 unchanged\n/,
    );

    const up = assertOk(await stack.up());
    assert.deepEqual(stepsOf(up), ["create b", "same files-dev", "update a"]);
    assert.equal(readFileSync(file("a"), "utf8"), "alpha");
    assert.equal(readFileSync(file("b"), "utf8"), "beta");
  });

  it("up --refresh reads first, in the same plugin process, then applies the program", async () => {
    writeFileSync(file("b"), "changed again");
    const result = assertOk(await stack.up({ refresh: true }));
    const order = calls(result);
    assert.equal(order.filter((c) => c.startsWith("configure ")).length, 1, "one plugin, configured once");
    assert.ok(order.indexOf("read b") < order.indexOf("update b"), order.join("\n"));
    assert.deepEqual(
      result.steps
        .filter((s) => s.op !== "refresh")
        .map((s) => `${s.op} ${s.name}`)
        .sort(),
      ["same a", "same files-dev", "update b"],
    );
    assert.equal(readFileSync(file("b"), "utf8"), "beta");
  });

  it("a replacement in an up that fails keeps the old half pending deletion; the next up deletes it", async () => {
    stack.setConfig("files:list", [
      { name: "a", path: file("a1"), content: "alpha" },
      { name: "b", path: file("b"), content: "beta" },
      { name: "c", path: path.join(dir, "missing", "c.txt"), content: "gamma", dependsOn: ["a"] },
    ]);
    const failed = await stack.up();
    assert.equal(failed.ok, false);
    assert.deepEqual(failed.steps.map((s) => `${s.op}${s.failed ? " failed" : ""} ${s.name}`).sort(), [
      "create failed c",
      "replace a",
      "same b",
      "same files-dev",
    ]);
    assert.ok(existsSync(file("a1")) && existsSync(file("a")), "the old file is not deleted after a failure");
    const halves = stack.resources().filter((r) => r.name === "a");
    assert.deepEqual(
      halves.map((r) => [r.id, r.delete ?? false]),
      [
        [file("a1"), false],
        [file("a"), true],
      ],
    );
    assert.match(stack.exportState(), /"delete": true/);

    stack.setConfig("files:list", [
      { name: "a", path: file("a1"), content: "alpha" },
      { name: "b", path: file("b"), content: "beta" },
    ]);
    const next = assertOk(await stack.up());
    assert.deepEqual(stepsOf(next), ["delete a", "same a", "same b", "same files-dev"]);
    assert.ok(!existsSync(file("a")) && existsSync(file("a1")));
    assert.deepEqual(
      stack
        .resources()
        .filter((r) => r.name === "a")
        .map((r) => r.id),
      [file("a1")],
    );
  });

  it("a replacement (path changed) creates the new file before deleting the old one; destroy removes all", async () => {
    stack.setConfig("files:list", [
      { name: "a", path: file("a2"), content: "alpha" },
      { name: "b", path: file("b"), content: "beta" },
    ]);
    const result = assertOk(await stack.up());
    const order = calls(result);
    assert.ok(order.indexOf("create a") < order.indexOf("delete a"), order.join("\n"));
    assert.deepEqual(stepsOf(result), ["delete-replaced a", "replace a", "same b", "same files-dev"]);
    assert.ok(existsSync(file("a2")) && !existsSync(file("a")));
    assertOk(await stack.destroy());
    assert.ok(!existsSync(file("a2")) && !existsSync(file("b")));
    assert.deepEqual(stack.resources(), []);
  });
});
