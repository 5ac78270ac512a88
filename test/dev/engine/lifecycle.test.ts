/**
 * The engine stand-in (dev/engine `ProgramStack`) running the generic declarations program
 * (test/e2e/programs/declarations) with the real SDK and the real dynamic-provider plugin, against the emulator.
 * The tests run in order: each starts from the state the previous one left.
 */
import assert from "node:assert/strict";
import { UNKNOWN, type OperationResult, type ProgramStack } from "../../../dev/engine";
import {
  PROGRAMS,
  USER_STATUS,
  assertOk,
  calls,
  emulatorWorld,
  stepsOf,
  type EmulatorWorld,
} from "./fixtures";

interface Declaration {
  kind: "UserStatus";
  name: string;
  args: { email: string; status: "Enabled" | "Disabled" };
  opts?: Record<string, unknown>;
}

const status = (
  name: string,
  email: string,
  desired: "Enabled" | "Disabled",
  opts?: Record<string, unknown>,
): Declaration => ({ kind: "UserStatus", name, args: { email, status: desired }, ...(opts ? { opts } : {}) });

describe("dev/engine ProgramStack: lifecycle of the declarations program (real SDK, real plugin, emulator)", function () {
  this.timeout(120_000);

  let world: EmulatorWorld;
  let stack: ProgramStack;
  const pluginPids: number[] = [];
  const declare = (resources: unknown[]) => stack.setConfig("e2e:resources", resources);
  const urn = (name: string) => `urn:pulumi:dev::declarations::${USER_STATUS}::${name}`;
  const names = () =>
    stack
      .resources()
      .filter((r) => r.type === USER_STATUS)
      .map((r) => r.name)
      .sort();
  const track = (r: OperationResult) => {
    if (r.pluginPid !== undefined) pluginPids.push(r.pluginPid);
    assert.ok(
      r.pluginPid === undefined || r.pluginExit,
      "the plugin is stopped before the operation returns",
    );
    return r;
  };
  const userId = (email: string) => world.emulator.getUser(email)?.id;

  before(async () => {
    world = await emulatorWorld({
      users: [
        { emailAddress: "ada@example.com", firstName: "Ada", userStatus: "Enabled", smsNumber: "+15550100" },
        { emailAddress: "alan@example.com", userStatus: "Disabled" },
        { emailAddress: "grace@example.com", userStatus: "Enabled" },
        { emailAddress: "edsger@example.com", userStatus: "Disabled" },
        { emailAddress: "linus@example.com", userStatus: "Enabled" },
      ],
    });
    stack = world.stack(PROGRAMS.declarations);
  });

  after(async () => {
    await world?.close();
  });

  it("preview of a new stack checks only, sends no request, returns unknowns and saves nothing", async () => {
    declare([status("ada", "ada@example.com", "Enabled"), status("alan", "alan@example.com", "Enabled")]);
    const { result, operations } = await world.requestsDuring(() => stack.preview());
    track(assertOk(result));
    assert.deepEqual(operations, []);
    assert.deepEqual(result.counts, { create: 3 });
    assert.deepEqual(stepsOf(result), ["create ada", "create alan", "create declarations-dev"]);
    assert.deepEqual([...new Set(result.providerCalls.map((c) => c.method))].sort(), ["check", "configure"]);
    const ada = result.outputs.ada!;
    assert.equal(ada.unknown, true);
    const value = ada.value as Record<string, unknown>;
    assert.equal(value.status, "Enabled", "an input is known during the preview");
    assert.equal(value.userId, UNKNOWN, "an output the provider would compute is unknown");
    assert.deepEqual(stack.resources(), []);
    assert.match(result.text, /^Previewing update \(dev\):\n/);
    assert.match(result.text, /\n \+ +pulumi-nodejs:dynamic\/securid:UserStatus +ada +create\n/);
    assert.match(result.text, /\nResources:\n {4}\+ 3 to create\n/);
  });

  it("up creates; a second up of the same program changes nothing and sends no request", async () => {
    declare([
      status("ada", "ada@example.com", "Enabled"),
      status("alan", "alan@example.com", "Enabled"),
      status("linus", "linus@example.com", "Enabled"),
    ]);
    const first = await world.requestsDuring(() => stack.up());
    track(assertOk(first.result));
    assert.deepEqual(first.result.counts, { create: 4 });
    assert.deepEqual(first.operations.sort(), ["lookup", "lookup", "lookup", "setStatus"]);
    assert.equal(
      (first.result.outputs.ada!.value as Record<string, unknown>).userId,
      userId("ada@example.com"),
    );
    assert.deepEqual(names(), ["ada", "alan", "linus"]);
    const ada = stack.resource("ada")!;
    assert.equal(ada.parent, "urn:pulumi:dev::declarations::pulumi:pulumi:Stack::declarations-dev");
    assert.match(
      ada.provider ?? "",
      /^urn:pulumi:dev::declarations::pulumi:providers:pulumi-nodejs::default::/,
    );
    assert.ok(
      first.result.plugin.stdout.some((l) =>
        /^securid: alan@example\.com \(.+\) status Disabled -> Enabled$/.test(l),
      ),
      first.result.plugin.stdout.join("\n"),
    );

    const again = await world.requestsDuring(() => stack.up());
    track(assertOk(again.result));
    assert.deepEqual(again.operations, []);
    assert.deepEqual(again.result.counts, { same: 4 });
    assert.deepEqual([...new Set(again.result.providerCalls.map((c) => c.method))].sort(), [
      "check",
      "configure",
      "diff",
    ]);
    assert.match(again.result.text, /\nResources:\n {4}4 unchanged\n/);
  });

  it("updates, replaces (create before delete), deletes and creates in one up, deletes last", async () => {
    declare([
      status("ada", "ada@example.com", "Disabled"),
      status("alan", "grace@example.com", "Enabled"),
      status("edsger", "edsger@example.com", "Disabled"),
    ]);
    const result = track(assertOk(await stack.up()));
    assert.deepEqual(stepsOf(result), [
      "create edsger",
      "delete linus",
      "delete-replaced alan",
      "replace alan",
      "same declarations-dev",
      "update ada",
    ]);
    assert.deepEqual(result.counts, { same: 1, update: 1, replace: 1, create: 1, delete: 1 });
    const replace = result.steps.find((s) => s.op === "replace")!;
    assert.deepEqual(replace.replaces, ["email"]);
    assert.equal(replace.deleteBeforeReplace, false);
    const order = calls(result);
    const firstDelete = order.findIndex((c) => c.startsWith("delete "));
    assert.ok(order.indexOf("create alan") < order.indexOf("delete alan"), order.join("\n"));
    assert.ok(
      order.slice(firstDelete).every((c) => c.startsWith("delete ")),
      `deletes run after every other step:\n${order.join("\n")}`,
    );
    assert.deepEqual(names(), ["ada", "alan", "edsger"]);
    assert.equal(stack.resource("alan")!.outputs.userId, userId("grace@example.com"));
    assert.ok(!stack.resources().some((r) => r.delete), "no replaced resource left pending deletion");
    assert.equal(world.emulator.getUser("ada@example.com")?.userStatus, "Disabled");
    assert.match(
      result.text,
      /\n \+- +pulumi-nodejs:dynamic\/securid:UserStatus +alan +replaced +\[diff: ~email\]\n/,
    );
    assert.match(
      result.text,
      /\n ~ +pulumi-nodejs:dynamic\/securid:UserStatus +ada +updated +\[diff: ~status\]\n/,
    );
  });

  it("deleteBeforeReplace deletes the old resource before creating its replacement", async () => {
    declare([
      status("ada", "ada@example.com", "Disabled"),
      status("alan", "alan@example.com", "Enabled", { deleteBeforeReplace: true }),
      status("edsger", "edsger@example.com", "Disabled"),
    ]);
    const result = track(assertOk(await stack.up()));
    const order = calls(result);
    assert.ok(
      order.indexOf("delete alan") >= 0 && order.indexOf("delete alan") < order.indexOf("create alan"),
    );
    assert.equal(result.steps.find((s) => s.op === "replace")?.deleteBeforeReplace, true);
    assert.equal(stack.resource("alan")!.outputs.userId, userId("alan@example.com"));
  });

  it("an alias moves a resource to a new name without create or delete", async () => {
    declare([
      status("ada-renamed", "ada@example.com", "Disabled", { aliases: [{ name: "ada" }] }),
      status("alan", "alan@example.com", "Enabled"),
      status("edsger", "edsger@example.com", "Disabled"),
    ]);
    const result = track(assertOk(await stack.up()));
    assert.deepEqual(
      calls(result).filter((c) => /^(create|delete|update) /.test(c)),
      [],
    );
    const moved = result.steps.find((s) => s.name === "ada-renamed")!;
    assert.equal(moved.op, "same");
    assert.equal(moved.aliasedFrom, urn("ada"));
    assert.deepEqual(names(), ["ada-renamed", "alan", "edsger"]);
    assert.deepEqual(stack.resource("ada-renamed")!.aliases, [urn("ada")]);
  });

  it("a program that fails deletes nothing, even what it did not declare", async () => {
    declare([status("ada-renamed", "ada@example.com", "Disabled"), { kind: "Bogus", name: "x", args: {} }]);
    const before = stack.resources();
    const result = track(await stack.up());
    assert.equal(result.ok, false);
    assert.notEqual(result.programExit?.code, 0);
    assert.deepEqual(
      result.providerCalls.filter((c) => c.method === "delete"),
      [],
    );
    assert.ok(result.diagnostics.some((d) => d.severity === "error" && d.message.includes("unknown kind")));
    assert.deepEqual(
      stack
        .resources()
        .map((r) => r.urn)
        .sort(),
      before.map((r) => r.urn).sort(),
    );
    assert.match(result.text, /error: update failed/);
  });

  it("a failed step stops its dependents before their check, and the up deletes nothing", async () => {
    declare([
      status("ada-renamed", "ada@example.com", "Disabled"),
      status("ghost", "ghost@example.com", "Enabled"),
      status("after-ghost", "grace@example.com", "Enabled", { dependsOn: ["ghost"] }),
    ]);
    const result = track(await stack.up());
    assert.equal(result.ok, false);
    const order = calls(result);
    assert.ok(order.includes("create ghost"), order.join("\n"));
    assert.ok(
      !order.some((c) => c.endsWith(" after-ghost")),
      `no call for the dependent:\n${order.join("\n")}`,
    );
    assert.ok(!order.some((c) => c.startsWith("delete ")), "alan and edsger are not deleted");
    assert.deepEqual(
      result.steps.find((s) => s.name === "ghost"),
      {
        urn: urn("ghost"),
        type: USER_STATUS,
        name: "ghost",
        op: "create",
        failed: true,
      },
    );
    assert.ok(result.diagnostics.some((d) => d.urn === urn("ghost") && d.severity === "error"));
    assert.deepEqual(names(), ["ada-renamed", "alan", "edsger"]);
  });

  it("a check failure is reported as the engine words it and fails the preview before any diff", async () => {
    declare([
      { kind: "UserStatus", name: "ada-renamed", args: { email: "ada@example.com", status: "enabled" } },
      status("alan", "alan@example.com", "Enabled"),
      status("edsger", "edsger@example.com", "Disabled"),
    ]);
    const result = track(await stack.preview());
    assert.equal(result.ok, false);
    const error = result.diagnostics.find((d) => d.urn === urn("ada-renamed"));
    assert.ok(error, result.text);
    assert.match(
      error.message,
      /^pulumi-nodejs:dynamic\/securid:UserStatus resource 'ada-renamed': property status value \{enabled\} has a problem: /,
    );
    assert.ok(!calls(result).includes("diff ada-renamed"));
    assert.match(result.text, /error: preview failed/);
  });

  it("the same name declared twice is refused as a duplicate URN", async () => {
    declare([status("alan", "alan@example.com", "Enabled"), status("alan", "grace@example.com", "Enabled")]);
    const result = track(await stack.preview());
    assert.equal(result.ok, false);
    assert.ok(
      result.diagnostics.some(
        (d) => d.message === `Duplicate resource URN '${urn("alan")}'; try giving it a unique name`,
      ),
      result.text,
    );
  });

  it("refresh reads every resource: drift shows as an update that the next up puts back", async () => {
    declare([
      status("ada-renamed", "ada@example.com", "Disabled"),
      status("alan", "alan@example.com", "Enabled"),
    ]);
    world.emulator.updateUserOutOfBand("ada@example.com", { userStatus: "Enabled" });

    const plain = track(assertOk(await stack.preview()));
    assert.ok(!calls(plain).some((c) => c.startsWith("read ")), "a preview reads nothing");
    assert.ok(
      plain.steps.some((s) => s.op === "delete" && s.name === "edsger"),
      "it shows the delete",
    );
    assert.ok(!calls(plain).some((c) => c.startsWith("delete ")), "but does not send it");
    assert.match(plain.text, /\n {4}- 1 to delete\n/);
    const withRefresh = track(assertOk(await stack.preview({ refresh: true })));
    assert.deepEqual(
      calls(withRefresh)
        .filter((c) => c.startsWith("read "))
        .sort(),
      ["read ada-renamed", "read alan", "read edsger"],
    );
    assert.ok(!calls(withRefresh).some((c) => /^(create|update|delete) /.test(c)));
    assert.equal(stack.resource("ada-renamed")!.outputs.status, "Disabled", "a preview saves nothing");

    const { result, operations } = await world.requestsDuring(() => stack.refresh());
    track(assertOk(result));
    assert.deepEqual(operations, ["lookup", "lookup", "lookup"]);
    assert.deepEqual(stepsOf(result), [
      "refresh:same alan",
      "refresh:same declarations-dev",
      "refresh:same edsger",
      "refresh:update ada-renamed",
    ]);
    assert.equal(stack.resource("ada-renamed")!.outputs.status, "Enabled");
    assert.match(result.text, /^Refreshing \(dev\):\n/);

    const repair = await world.requestsDuring(() => stack.up());
    track(assertOk(repair.result));
    assert.deepEqual(stepsOf(repair.result), [
      "delete edsger",
      "same alan",
      "same declarations-dev",
      "update ada-renamed",
    ]);
    assert.deepEqual(repair.operations, ["setStatus"]);
    assert.equal(world.emulator.getUser("ada@example.com")?.userStatus, "Disabled");
  });

  it("expectNoChanges passes on a converged stack and fails when something would change", async () => {
    track(assertOk(await stack.preview({ expectNoChanges: true })));
    declare([
      status("ada-renamed", "ada@example.com", "Enabled"),
      status("alan", "alan@example.com", "Enabled"),
    ]);
    const result = track(await stack.preview({ expectNoChanges: true }));
    assert.equal(result.ok, false);
    assert.ok(
      result.diagnostics.some((d) => d.message === "no changes were expected but changes were proposed"),
      result.text,
    );
  });

  it("destroy deletes every resource, a dependent before what it depends on", async () => {
    declare([
      status("ada-renamed", "ada@example.com", "Disabled"),
      status("alan", "alan@example.com", "Enabled", { dependsOn: ["ada-renamed"] }),
    ]);
    track(assertOk(await stack.up()));
    assert.ok(stack.resource("alan")!.dependencies.includes(urn("ada-renamed")));
    const result = track(assertOk(await stack.destroy()));
    const order = calls(result);
    assert.ok(order.indexOf("delete alan") < order.indexOf("delete ada-renamed"), order.join("\n"));
    assert.deepEqual(stack.resources(), []);
    assert.equal(result.counts.delete, 3, "the stack and the two resources");
  });

  it("started a fresh plugin process for each operation (and stopped each, see track)", () => {
    assert.ok(pluginPids.length >= 10);
    assert.equal(new Set(pluginPids).size, pluginPids.length);
  });
});
