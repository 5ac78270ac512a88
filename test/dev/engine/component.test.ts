/**
 * A component through the engine stand-in (test program `programs/roster`): a `Roster` that reads a file and
 * registers one `UserStatus` child per entry behind a guard resource the children `dependsOn`.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { ProgramStack } from "../../../dev/engine";
import {
  PROGRAMS,
  USER_STATUS,
  assertOk,
  calls,
  emulatorWorld,
  stepsOf,
  type EmulatorWorld,
} from "./fixtures";

const ROSTER = "urn:pulumi:dev::roster::securid:test:Roster";
const child = (roster: string, email: string) =>
  `urn:pulumi:dev::roster::securid:test:Roster$${USER_STATUS}::${roster}-${email}`;
const guard = (roster: string) =>
  `urn:pulumi:dev::roster::securid:test:Roster$pulumi-nodejs:dynamic/test:Guard::${roster}-guard`;

describe("dev/engine ProgramStack: a component with children behind a guard (roster program)", function () {
  this.timeout(120_000);

  let world: EmulatorWorld;
  let stack: ProgramStack;
  let file: string;
  const roster = (entries: { email: string; status: string }[]) =>
    writeFileSync(file, JSON.stringify(entries));

  before(async () => {
    world = await emulatorWorld({
      users: [
        { emailAddress: "ada@example.com", userStatus: "Enabled" },
        { emailAddress: "alan@example.com", userStatus: "Disabled" },
      ],
    });
    file = path.join(world.work, "roster.json");
    stack = world.stack(PROGRAMS.roster);
    stack.setConfig("roster:file", file);
  });

  after(async () => {
    await world?.close();
  });

  it("a failing guard stops the children before their check; nothing is deleted", async () => {
    roster([
      { email: "ada@example.com", status: "Enabled" },
      { email: "alan@example.com", status: "Enabled" },
    ]);
    stack.setConfig("roster:guardFails", "the roster is not approved");
    const { result, operations } = await world.requestsDuring(() => stack.up());
    assert.equal(result.ok, false);
    assert.deepEqual(operations, []);
    assert.deepEqual(calls(result), ["configure default", "check team-guard", "create team-guard"]);
    assert.ok(
      result.diagnostics.some(
        (d) => d.urn === guard("team") && d.message === "guard team refused: the roster is not approved",
      ),
      result.text,
    );
    assert.deepEqual(
      stack.resources().map((r) => r.type),
      ["pulumi:pulumi:Stack", "securid:test:Roster", "pulumi:providers:pulumi-nodejs"],
    );
  });

  it("with the guard passing: children under the component's type, after the guard", async () => {
    stack.removeConfig("roster:guardFails");
    const result = assertOk(await stack.up());
    assert.deepEqual(stepsOf(result), [
      "create team-ada@example.com",
      "create team-alan@example.com",
      "create team-guard",
      "same roster-dev",
      "same team",
    ]);
    const order = calls(result);
    for (const email of ["ada@example.com", "alan@example.com"]) {
      assert.ok(order.indexOf("create team-guard") < order.indexOf(`check team-${email}`), order.join("\n"));
      const r = stack.resource(child("team", email))!;
      assert.equal(r.parent, `${ROSTER}::team`);
      assert.deepEqual(r.dependencies, [guard("team")]);
    }
    assert.deepEqual(stack.resource(`${ROSTER}::team`)!.outputs, { size: 2 });
    assert.equal(world.emulator.getUser("alan@example.com")?.userStatus, "Enabled");
    assert.deepEqual(result.outputs.statuses?.value, [
      { email: "ada@example.com", status: "Enabled" },
      { email: "alan@example.com", status: "Enabled" },
    ]);
  });

  it("an entry removed from the file deletes that child only", async () => {
    roster([{ email: "ada@example.com", status: "Enabled" }]);
    const result = assertOk(await stack.up());
    assert.deepEqual(
      result.steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.name}`),
      ["update team-guard", "delete team-alan@example.com"],
    );
    assert.deepEqual(
      result.steps.find((s) => s.name === "team-guard")?.diffs,
      ["entries"],
      "the guard has no diff of its own: the engine compared its inputs",
    );
  });

  it("renaming the component with an alias moves its children too, without create or delete", async () => {
    stack.setConfig("roster:name", "crew");
    stack.setConfig("roster:aliases", [{ name: "team" }]);
    const result = assertOk(await stack.up());
    assert.deepEqual(
      calls(result).filter((c) => /^(create|delete) /.test(c)),
      [],
    );
    const moved = result.steps.find((s) => s.name === "crew-ada@example.com")!;
    assert.equal(moved.op, "same");
    assert.equal(
      moved.aliasedFrom,
      child("team", "ada@example.com"),
      "the child's name follows its parent's",
    );
    assert.deepEqual(
      stack
        .resources()
        .map((r) => r.name)
        .sort(),
      ["crew", "crew-ada@example.com", "crew-guard", "default", "roster-dev"],
    );
    assert.equal(stack.resource("crew-ada@example.com")!.parent, `${ROSTER}::crew`);
  });

  it("destroy deletes the children, then the guard, then the component, then the stack", async () => {
    const result = assertOk(await stack.destroy());
    const order = result.steps.map((s) => s.name);
    assert.deepEqual(order, ["crew-ada@example.com", "crew-guard", "crew", "roster-dev"]);
    assert.deepEqual(stack.resources(), []);
  });
});
