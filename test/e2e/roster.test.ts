/**
 * Roster end to end: a real program (the declarations program) with the real SDK and the real
 * dynamic-provider plugin (dev/engine's stand-in for the CLI), against the emulator. What a user sees:
 * the steps, the requests the tenant received, the stack outputs, and for the guard that no request,
 * no write and no removal happens before a mass change is confirmed.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { OperationResult, ProgramStack } from "../../dev/engine";
import {
  assertOk,
  emulatorWorld,
  errorsOf as errors,
  PROGRAMS,
  resourceSteps,
  type EmulatorWorld,
} from "../dev/engine/fixtures";

const stepsOf = (result: OperationResult, type = USER) => resourceSteps(result, type);

const GUARD = "pulumi-nodejs:dynamic/securid:RosterGuard";
const USER = "pulumi-nodejs:dynamic/securid:UserStatus";

const HEADER = "Employee ID,Work Email,Worker Status,Department";

describe("Roster through the plugin (e2e)", function () {
  this.timeout(240_000);

  let world: EmulatorWorld;
  const people = Array.from({ length: 8 }, (_, i) => `person${i}@example.com`);

  before(async () => {
    world = await emulatorWorld({
      users: people.map((email, i) => ({ emailAddress: email, userStatus: i < 6 ? "Enabled" : "Disabled" })),
    });
  });
  after(async () => world?.close());

  const status = (email: string) => world.emulator.getUser(email)?.userStatus;
  const csv = (name: string, lines: string[]) => {
    const file = path.join(world.work, name);
    writeFileSync(file, `${lines.join("\r\n")}\r\n`);
    return file;
  };
  /** `Worker Status` of each person: Active unless listed as Terminated. */
  const rows = (terminated: number[], order = people.map((_, i) => i)) =>
    order.map((i) => `E${i},${people[i]},${terminated.includes(i) ? "Terminated" : "Active"},Sales`);

  function rosterStack(args: Record<string, unknown>): ProgramStack {
    const s = world.stack(PROGRAMS.declarations);
    return setRoster(s, args);
  }
  function setRoster(s: ProgramStack, args: Record<string, unknown>): ProgramStack {
    return s.setConfig("e2e:resources", [{ kind: "Roster", name: "staff", args }]);
  }
  const hrArgs = (file: string, more: Record<string, unknown> = {}) => ({
    file,
    columns: { email: "Work Email", status: "Worker Status" },
    statusMap: { Active: "Enabled", Terminated: "Disabled" },
    maxChanges: 3,
    ...more,
  });

  let stack: ProgramStack;

  it("adopts an HR export: one UserStatus per entry, a write only where CAS differs, summary and statuses", async () => {
    const file = csv("export.csv", [HEADER, ...rows([6, 7, 0])]);
    stack = rosterStack(hrArgs(file));
    stack.setConfig("securid:confirmChanges", "8"); // the first up counts every entry
    const { result, operations } = await world.requestsDuring(() => stack.up());
    assertOk(result);
    stack.removeConfig("securid:confirmChanges");
    assert.deepEqual(
      stepsOf(result),
      people.map((p) => `create ${p}`),
    );
    assert.equal(operations.filter((o) => o === "lookup").length, 8);
    assert.deepEqual(
      operations.filter((o) => o === "setStatus"),
      ["setStatus"],
      "person0 only: the others already have their status",
    );
    assert.equal(status("person0@example.com"), "Disabled");
    const staff = stack.outputs().staff!.value as {
      summary: { users: number; enabled: number; disabled: number; changes: number };
      statuses: Record<string, string>;
    };
    assert.deepEqual(staff.summary, { users: 8, enabled: 5, disabled: 3, changes: 8 });
    assert.equal(staff.statuses["person0@example.com"], "Disabled");
    assert.equal(staff.statuses["person1@example.com"], "Enabled");
    const child = stack.resources().find((r) => r.name === "person1@example.com")!;
    assert.match(
      child.urn,
      /securid:index:Roster\$pulumi-nodejs:dynamic\/securid:UserStatus::person1@example\.com$/,
    );
    assert.ok(
      child.dependencies.some((d) => d.endsWith("::staff-guard")),
      "children depend on the guard",
    );
  });

  it("reordering, reformatting or adding a column changes nothing and sends nothing", async () => {
    const shuffled = [7, 3, 5, 0, 1, 6, 2, 4];
    const file = csv("export-reordered.csv", [
      `${HEADER},Manager`,
      ...rows([6, 7, 0], shuffled).map((r) => `${r.replace(",Sales", ", Sales ")},"Hopper, Grace"`),
    ]);
    setRoster(stack, hrArgs(file));
    const { result, operations } = await world.requestsDuring(() => stack.up());
    assertOk(result);
    assert.deepEqual(operations, []);
    assert.deepEqual(result.counts, { same: result.steps.length });
    setRoster(stack, hrArgs(csv("export.csv", [HEADER, ...rows([6, 7, 0])])));
  });

  it("a mass change is refused in preview and in up before any request, write or removal", async () => {
    // A broken export: everyone Terminated, and two rows lost.
    const broken = csv("broken.csv", [HEADER, ...rows([0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 5])]);
    setRoster(stack, hrArgs(broken));
    const before = stack.resources();
    for (const run of ["preview", "up"] as const) {
      const { result, operations } = await world.requestsDuring(() =>
        run === "preview" ? stack.preview() : stack.up(),
      );
      assert.equal(result.ok, false, `${run} must fail`);
      assert.deepEqual(operations, [], `${run}: no request to CAS`);
      const message = errors(result);
      assert.match(
        message,
        /Roster 'staff' \(.*broken\.csv\): this update makes 7 changes \(2 removed, 5 status changes\), more than the limit of 3/,
      );
      assert.match(message, /~ person1@example\.com Enabled -> Disabled/);
      assert.match(message, /- person6@example\.com \(removed\)/);
      assert.match(message, /pulumi config set securid:confirmChanges 7/);
      const provided = result.providerCalls.filter((c) => c.method !== "configure" && c.method !== "check");
      assert.deepEqual(provided, [], `${run}: nothing but the guard's check reached the plugin`);
    }
    assert.deepEqual(stack.resources(), before, "nothing left the state, nothing changed in it");
    assert.equal(status("person1@example.com"), "Enabled");
  });

  it("an empty export is never read as everything: it is 8 removals, refused", async () => {
    setRoster(stack, hrArgs(csv("empty.csv", [HEADER])));
    const { result, operations } = await world.requestsDuring(() => stack.preview());
    assert.equal(result.ok, false);
    assert.match(errors(result), /this update makes 8 changes \(8 removed\)/);
    assert.deepEqual(operations, []);
  });

  it("securid:confirmChanges set to the count applies exactly the planned changes", async () => {
    setRoster(stack, hrArgs(csv("broken.csv", [HEADER, ...rows([0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 5])])));
    stack.setConfig("securid:confirmChanges", "6");
    const wrong = await stack.preview();
    assert.equal(wrong.ok, false, "another count confirms nothing");
    assert.match(errors(wrong), /securid:confirmChanges is "6", which does not confirm this update/);
    stack.setConfig("securid:confirmChanges", "7");
    const { result, operations } = await world.requestsDuring(() => stack.up());
    assertOk(result);
    stack.removeConfig("securid:confirmChanges");
    assert.deepEqual(
      stepsOf(result).filter((s) => !s.startsWith("same")),
      [
        "delete person6@example.com",
        "delete person7@example.com",
        "update person1@example.com",
        "update person2@example.com",
        "update person3@example.com",
        "update person4@example.com",
        "update person5@example.com",
      ],
    );
    assert.equal(operations.filter((o) => o === "setStatus").length, 5, "five writes, no lookup");
    assert.deepEqual(
      operations.filter((o) => o !== "setStatus"),
      [],
    );
    assert.match(result.plugin.stdout.join("\n"), /pulumi config rm securid:confirmChanges/);
    const summary = (stack.outputs().staff!.value as { summary: { changes: number } }).summary;
    assert.equal(summary.changes, 7);
  });

  it("a roster with bad entries is refused whole, each problem with its line, nothing sent or removed", async () => {
    const bad = csv("bad.csv", [
      HEADER,
      "E0,person0@example.com,Active,Sales",
      "E1,not-an-address,Active,Sales",
      "E2,person2@example.com,Retired,Sales",
      "E3,PERSON0@example.com,Terminated,Sales",
    ]);
    setRoster(stack, hrArgs(bad));
    const before = stack.resources();
    const { result, operations } = await world.requestsDuring(() => stack.up());
    assert.equal(result.ok, false);
    const message = errors(result);
    assert.match(message, /bad\.csv line 3: .*not-an-address/);
    assert.match(message, /bad\.csv line 4: .*"Retired"/);
    assert.match(message, /bad\.csv line 5: .*PERSON0@example\.com.*line 2/);
    assert.deepEqual(operations, []);
    assert.deepEqual(stack.resources(), before);
  });

  it("neverDisable on the roster refuses a protected account, naming the address and the pattern", async () => {
    setRoster(
      stack,
      hrArgs(csv("export.csv", [HEADER, ...rows([0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 5])]), {
        neverDisable: ["person3@*"],
      }),
    );
    const { result, operations } = await world.requestsDuring(() => stack.preview());
    assert.equal(result.ok, false);
    assert.match(
      errors(result),
      /person3@example\.com must never be Disabled: neverDisable protects it with "person3@\*"/,
    );
    assert.deepEqual(operations, []);
  });

  it("a stack of hand-written UserStatus resources named by address moves into a Roster with no write", async () => {
    const users = [
      { email: "mover1@example.com", status: "Enabled" },
      { email: "Mover2@example.com", status: "Disabled" },
    ];
    world.emulator.seedUsers([
      { emailAddress: "mover1@example.com", userStatus: "Enabled" },
      { emailAddress: "mover2@example.com", userStatus: "Enabled" },
    ]);
    const s = world.stack(PROGRAMS.declarations);
    s.setConfig(
      "e2e:resources",
      users.map((u) => ({ kind: "UserStatus", name: u.email, args: u })),
    );
    assertOk(await s.up());
    s.setConfig("e2e:resources", [{ kind: "Roster", name: "staff", args: { users } }]);
    const { result, operations } = await world.requestsDuring(() => s.up());
    assertOk(result);
    assert.deepEqual(stepsOf(result), ["same mover1@example.com", "same mover2@example.com"]);
    assert.deepEqual(stepsOf(result, GUARD), ["create staff-guard"]);
    assert.deepEqual(operations, []);
    assert.equal(world.emulator.getUser("mover2@example.com")?.userStatus, "Disabled");
  });
});
