/**
 * The months after a user is disabled, walked as an adversary would, through the real Pulumi SDK and
 * the real dynamic-provider plugin (dev/engine's stand-in for the CLI: a fresh plugin process per
 * operation, deletes after the program, init errors recorded): a user CAS deletes, an address CAS does
 * not know, renames, one user declared twice, a write whose answer is lost, a removal that cannot
 * restore, a second run. Requests are read from the emulator's log.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { OperationResult, ProgramStack } from "../../dev/engine";
import {
  assertOk,
  emulatorWorld,
  errorsOf as errors,
  PROGRAMS,
  resourceSteps as stepsOf,
  type EmulatorWorld,
} from "../dev/engine/fixtures";

type Declaration = {
  kind: "UserStatus";
  name: string;
  args: Record<string, unknown>;
  opts?: Record<string, unknown>;
};

const userStatus = (
  name: string,
  args: Record<string, unknown>,
  opts?: Record<string, unknown>,
): Declaration => ({
  kind: "UserStatus",
  name,
  args,
  ...(opts ? { opts } : {}),
});

/** Everything the operation printed or reported, for messages and for secret checks. */
function everything(result: OperationResult): string {
  return [
    result.text,
    ...result.diagnostics.map((d) => d.message),
    ...result.plugin.stdout,
    ...result.plugin.stderr,
    ...result.program.stdout,
    ...result.program.stderr,
  ].join("\n");
}

describe("UserStatus lifecycle through the plugin (e2e)", function () {
  this.timeout(180_000);

  let world: EmulatorWorld;
  before(async () => {
    world = await emulatorWorld({ users: [] });
  });
  after(async () => world?.close());

  /** A stack of the declarations program with these resources declared. */
  function stack(resources: Declaration[], config: Record<string, string> = {}): ProgramStack {
    const s = world.stack(PROGRAMS.declarations);
    for (const [k, v] of Object.entries(config)) s.setConfig(k, v);
    return declare(s, resources);
  }
  function declare(s: ProgramStack, resources: Declaration[]): ProgramStack {
    s.setConfig("e2e:resources", resources);
    return s;
  }
  const status = (email: string) => world.emulator.getUser(email)?.userStatus;
  const seed = (email: string, userStatus: "Enabled" | "Disabled", more: Record<string, unknown> = {}) =>
    world.emulator.seedUsers([{ emailAddress: email, userStatus, ...more }])[0]!;
  const outputsOf = (s: ProgramStack, name: string) => s.resource(name)?.outputs ?? {};

  describe("a user CAS deletes", () => {
    it("stays in the state, absent; Disabled is then satisfied with no request, up --refresh included", async () => {
      seed("leaver@example.com", "Enabled");
      const s = stack([userStatus("leaver", { email: "leaver@example.com", status: "Disabled" })]);
      assertOk(await s.up());
      assert.equal(status("leaver@example.com"), "Disabled");

      world.emulator.deleteUserOutOfBand("leaver@example.com");
      const refreshed = await world.requestsDuring(() => s.refresh());
      assertOk(refreshed.result);
      assert.deepEqual(refreshed.operations, ["lookup"]);
      assert.equal(outputsOf(s, "leaver").exists, false);
      assert.equal(outputsOf(s, "leaver").status, "Absent");

      const again = await world.requestsDuring(() => s.up());
      assertOk(again.result);
      assert.deepEqual(again.operations, [], "no request");
      assert.deepEqual(stepsOf(again.result), ["same leaver"]);

      const withRefresh = await world.requestsDuring(() => s.up({ refresh: true }));
      assertOk(withRefresh.result);
      assert.deepEqual(withRefresh.operations, ["lookup"], "the refresh's lookup, and no write");
      assert.equal(withRefresh.result.counts.update ?? 0, 0);
    });

    it("declared Enabled, fails that one resource saying the user was deleted from CAS and what to do", async () => {
      seed("gone@example.com", "Enabled");
      seed("stays@example.com", "Enabled");
      const s = stack([
        userStatus("gone", { email: "gone@example.com", status: "Disabled" }),
        userStatus("stays", { email: "stays@example.com", status: "Enabled" }),
      ]);
      assertOk(await s.up());
      world.emulator.deleteUserOutOfBand("gone@example.com");
      assertOk(await s.refresh());

      declare(s, [
        userStatus("gone", { email: "gone@example.com", status: "Enabled" }),
        userStatus("stays", { email: "stays@example.com", status: "Enabled" }),
      ]);
      const { result, operations } = await world.requestsDuring(() => s.up());
      assert.equal(result.ok, false);
      assert.match(errors(result), /Cannot enable CAS user gone@example\.com: CAS no longer has this user/);
      assert.match(errors(result), /run `pulumi refresh` and `pulumi up`/);
      assert.deepEqual(operations, [], "nothing sent");
      assert.equal(s.resource("stays")?.outputs.status, "Enabled", "the other resource is untouched");
    });

    it("a rehire is picked up by refresh, and the next up enforces the declared status", async () => {
      const old = seed("rehire@example.com", "Enabled");
      const s = stack([userStatus("rehire", { email: "rehire@example.com", status: "Disabled" })]);
      assertOk(await s.up());
      world.emulator.deleteUserOutOfBand("rehire@example.com");
      assertOk(await s.refresh());
      assert.equal(outputsOf(s, "rehire").exists, false);

      const back = seed("rehire@example.com", "Enabled"); // a new CAS user, a new id
      assert.notEqual(back.id, old.id);
      assertOk(await s.refresh());
      assert.equal(s.resource("rehire")?.id, back.id, "refresh follows the new user");
      assert.equal(outputsOf(s, "rehire").exists, true);
      const enforced = await world.requestsDuring(() => s.up());
      assertOk(enforced.result);
      assert.deepEqual(enforced.operations, ["setStatus"]);
      assert.equal(status("rehire@example.com"), "Disabled");
    });
  });

  describe("an address CAS does not know (ifMissing)", () => {
    it('"ignore": a Disabled leaver is satisfied with one lookup and a line naming the address', async () => {
      const s = stack([
        userStatus("long-gone", { email: "long.gone@example.com", status: "Disabled", ifMissing: "ignore" }),
      ]);
      const first = await world.requestsDuring(() => s.up());
      assertOk(first.result);
      assert.deepEqual(first.operations, ["lookup"]);
      assert.equal(outputsOf(s, "long-gone").exists, false);
      assert.equal(outputsOf(s, "long-gone").status, "Absent");
      assert.match(
        first.result.plugin.stdout.join("\n"),
        /long\.gone@example\.com is not in CAS: nothing to disable/,
      );
      const second = await world.requestsDuring(() => s.up());
      assertOk(second.result);
      assert.deepEqual(second.operations, []);
    });

    it('"fail" (the default) stops a typo, and "ignore" never lets an Enabled through; nothing is recorded', async () => {
      const s = stack([userStatus("typo", { email: "jnae.doe@example.com", status: "Disabled" })]);
      const typo = await s.up();
      assert.equal(typo.ok, false);
      assert.match(errors(typo), /No CAS user has the email jnae\.doe@example\.com/);
      assert.match(errors(typo), /ifMissing: "ignore"/);
      assert.equal(s.resource("typo"), undefined, "not in the state");

      declare(s, [
        userStatus("typo", { email: "jnae.doe@example.com", status: "Enabled", ifMissing: "ignore" }),
      ]);
      const enabled = await s.up();
      assert.equal(enabled.ok, false);
      assert.match(errors(enabled), /Cannot enable CAS user jnae\.doe@example\.com/);
    });
  });

  describe("renames", () => {
    it("the program follows a rename CAS made: no write, and the old resource restores nothing", async () => {
      seed("alice@example.com", "Enabled");
      const s = stack([
        userStatus("alice", { email: "alice@example.com", status: "Disabled", onDelete: "restore" }),
      ]);
      assertOk(await s.up());
      const id = s.resource("alice")!.id;
      world.emulator.updateUserOutOfBand("alice@example.com", { emailAddress: "alice.smith@example.com" });

      declare(s, [
        userStatus("alice", { email: "alice.smith@example.com", status: "Disabled", onDelete: "restore" }),
      ]);
      const renamed = await world.requestsDuring(() => s.up());
      assertOk(renamed.result);
      assert.deepEqual(stepsOf(renamed.result), ["delete-replaced alice", "replace alice"]);
      assert.deepEqual(renamed.operations, ["lookup"], "one lookup, no write");
      assert.equal(status("alice.smith@example.com"), "Disabled");
      assert.equal(s.resource("alice")!.id, id);
      assert.equal(outputsOf(s, "alice").previousStatus, "Enabled", "the rename keeps the history");
      assert.match(renamed.result.plugin.stdout.join("\n"), /not restored: the user is now managed by/);
    });

    it("the README's pattern (name = email): removing the old resource and adding the new one writes nothing", async () => {
      seed("bob@example.com", "Enabled");
      const s = stack([
        userStatus("bob@example.com", { email: "bob@example.com", status: "Disabled", onDelete: "restore" }),
      ]);
      assertOk(await s.up());
      world.emulator.updateUserOutOfBand("bob@example.com", { emailAddress: "robert@example.com" });
      declare(s, [
        userStatus("robert@example.com", {
          email: "robert@example.com",
          status: "Disabled",
          onDelete: "restore",
        }),
      ]);
      const moved = await world.requestsDuring(() => s.up());
      assertOk(moved.result);
      assert.deepEqual(stepsOf(moved.result), ["create robert@example.com", "delete bob@example.com"]);
      assert.deepEqual(moved.operations, ["lookup"]);
      assert.equal(status("robert@example.com"), "Disabled", "the leaver was not re-enabled");
    });

    it("an address of another user adopts that user, and the old one's onDelete restores the old user", async () => {
      seed("carol@example.com", "Enabled");
      seed("dave@example.com", "Enabled");
      const s = stack([
        userStatus("seat", { email: "carol@example.com", status: "Disabled", onDelete: "restore" }),
      ]);
      assertOk(await s.up());
      assert.equal(status("carol@example.com"), "Disabled");
      declare(s, [
        userStatus("seat", { email: "dave@example.com", status: "Disabled", onDelete: "restore" }),
      ]);
      const moved = await world.requestsDuring(() => s.up());
      assertOk(moved.result);
      assert.deepEqual(moved.operations, ["lookup", "setStatus", "setStatus"]);
      assert.equal(status("dave@example.com"), "Disabled");
      assert.equal(status("carol@example.com"), "Enabled", "restored on delete");
      assert.equal(outputsOf(s, "seat").previousStatus, "Enabled");
    });
  });

  describe("one user declared twice", () => {
    it("emails differing in case: fails naming both, writes at most once, and later runs never flip it", async () => {
      seed("erin@example.com", "Enabled");
      const s = stack([
        userStatus("erin-a", { email: "Erin@Example.com", status: "Disabled" }),
        userStatus("erin-b", { email: "erin@example.com", status: "Enabled" }),
      ]);
      const statuses: (string | undefined)[] = [];
      for (let run = 0; run < 3; run++) {
        const { result, operations } = await world.requestsDuring(() => s.up());
        assert.equal(result.ok, false);
        assert.match(
          errors(result),
          /UserStatus 'erin-b' and UserStatus 'erin-a' both declare the CAS user erin@example\.com/,
        );
        const writes = operations.filter((o) => o === "setStatus").length;
        assert.ok(writes <= (run === 0 ? 1 : 0), `run ${run + 1}: ${operations.join()}`);
        statuses.push(status("erin@example.com"));
      }
      assert.equal(new Set(statuses).size, 1, `never flipped: ${statuses.join(", ")}`);
    });

    it("two addresses CAS resolves to one user: the second fails before writing, on every run", async () => {
      seed("frank@example.com", "Enabled", { aliases: ["f.jones@example.com"] });
      const s = stack([
        userStatus("frank", { email: "frank@example.com", status: "Disabled" }),
        userStatus("f-jones", { email: "f.jones@example.com", status: "Enabled" }, { dependsOn: ["frank"] }),
      ]);
      for (let run = 0; run < 2; run++) {
        const { result, operations } = await world.requestsDuring(() => s.up());
        assert.equal(result.ok, false);
        assert.match(
          errors(result),
          /for frank@example\.com and for f\.jones@example\.com both manage CAS user [0-9a-f-]+: CAS resolves both addresses to one user/,
        );
        assert.ok(
          operations.filter((o) => o === "setStatus").length <= (run === 0 ? 1 : 0),
          operations.join(),
        );
        assert.equal(status("frank@example.com"), "Disabled", `run ${run + 1}`);
      }
    });
  });

  describe("a write whose answer is lost", () => {
    it("records the resource with the status seen before; the next up converges without adopting again", async () => {
      seed("gina@example.com", "Enabled");
      const s = stack(
        [userStatus("gina", { email: "gina@example.com", status: "Disabled", onDelete: "restore" })],
        {
          "securid:maxRetries": "2",
          "securid:minRetryDelayMs": "10",
          "securid:maxRetryDelayMs": "50",
        },
      );
      world.emulator.setFaults({ cutAfterApplyRate: 1, operations: ["setStatus"] });
      const lost = await world.requestsDuring(() => s.up());
      world.emulator.setFaults(undefined);
      assert.equal(lost.result.ok, false);
      assert.match(errors(lost.result), /may have been applied/);
      const recorded = s.resource("gina");
      assert.ok(recorded, "the resource is in the state");
      assert.ok(recorded.initErrors?.length, "with its init error");
      assert.equal(recorded.outputs.previousStatus, "Enabled", "what CAS showed before the write");
      const puts = world.emulator.requests.filter((r) => r.operation === "setStatus");
      assert.ok(puts.length >= 1);
      assert.ok(
        puts.every((r) => r.range === undefined),
        "a write is never resumed with a Range header",
      );

      const next = await world.requestsDuring(() => s.up());
      assertOk(next.result);
      assert.deepEqual(next.operations, ["setStatus"], "an update, not a second adoption");
      assert.equal(status("gina@example.com"), "Disabled");
      assert.equal(outputsOf(s, "gina").previousStatus, "Enabled");
      const third = await world.requestsDuring(() => s.up());
      assert.deepEqual(third.operations, []);
    });
  });

  describe("a removal that cannot restore", () => {
    it("the directory disabled the user, the user is gone, or already restored: a line, and the resource leaves", async () => {
      seed("hank@example.com", "Enabled");
      seed("ivy@example.com", "Enabled");
      seed("jack@example.com", "Enabled");
      const s = stack([
        userStatus("hank", { email: "hank@example.com", status: "Disabled", onDelete: "restore" }),
        userStatus("ivy", { email: "ivy@example.com", status: "Disabled", onDelete: "restore" }),
        userStatus("jack", { email: "jack@example.com", status: "Enabled", onDelete: "restore" }),
      ]);
      assertOk(await s.up());
      world.emulator.updateUserOutOfBand("hank@example.com", { disabledBySync: true });
      world.emulator.deleteUserOutOfBand("ivy@example.com");

      declare(s, []);
      const removed = await world.requestsDuring(() => s.up());
      assertOk(removed.result);
      assert.deepEqual(stepsOf(removed.result), ["delete hank", "delete ivy", "delete jack"]);
      assert.deepEqual(
        removed.operations.sort(),
        ["setStatus", "setStatus"],
        "hank and ivy tried once; jack needs nothing",
      );
      const printed = removed.result.plugin.stdout.join("\n");
      assert.match(
        printed,
        /hank@example\.com \([0-9a-f-]+\) not restored to Enabled, the resource leaves the state: .*disabled by an identity-source synchronization/i,
      );
      assert.match(
        printed,
        /ivy@example\.com \([0-9a-f-]+\) not restored to Enabled, the resource leaves the state/,
      );
      assert.deepEqual(
        s.resources().filter((r) => r.custom),
        [],
      );
      const again = await world.requestsDuring(() => s.up());
      assertOk(again.result);
      assert.deepEqual(again.operations, []);
    });
  });

  describe("settings", () => {
    it("securid:neverDisable refuses a Disabled for a protected account at check, in preview, with no request", async () => {
      seed("break-glass-1@example.com", "Enabled");
      const s = stack([userStatus("bg", { email: "break-glass-1@example.com", status: "Disabled" })], {
        "securid:neverDisable": '["break-glass-*@example.com"]',
      });
      for (const run of [() => s.preview(), () => s.up()]) {
        const { result, operations } = await world.requestsDuring(run);
        assert.equal(result.ok, false);
        assert.match(
          errors(result),
          /break-glass-1@example\.com must never be Disabled: securid:neverDisable protects it with "break-glass-\*@example\.com"/,
        );
        assert.deepEqual(operations, []);
      }
      assert.equal(status("break-glass-1@example.com"), "Enabled");
    });

    it("securid:auditLogFile gets one JSON line per write, restores included, on disk when up returns", async () => {
      seed("kim@example.com", "Enabled");
      const log = path.join(world.work, "audit", "securid-audit.jsonl");
      const s = stack(
        [userStatus("kim", { email: "kim@example.com", status: "Disabled", onDelete: "restore" })],
        {
          "securid:auditLogFile": log,
        },
      );
      assert.equal(existsSync(log), false);
      mkdirSync(path.dirname(log), { recursive: true });
      assertOk(await s.up());
      assertOk(await s.up());
      declare(s, []);
      assertOk(await s.up());
      const lines = readFileSync(log, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const id = world.emulator.getUser("kim@example.com")!.id;
      assert.deepEqual(
        lines.map(({ time: _t, ...rest }) => rest),
        [
          { email: "kim@example.com", userId: id, from: "Enabled", to: "Disabled", operation: "create" },
          { email: "kim@example.com", userId: id, from: "Disabled", to: "Enabled", operation: "delete" },
        ],
      );
      assert.ok(lines.every((l) => !Number.isNaN(Date.parse(String(l.time)))));
    });

    it("a 1024-bit key is refused as ERR_INVALID_KEY when read, without echoing it, and nothing is sent", async () => {
      seed("max@example.com", "Enabled");
      const weak = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({
        type: "pkcs1",
        format: "pem",
      }) as string;
      const keyFile = path.join(world.work, "weak.key");
      writeFileSync(keyFile, JSON.stringify({ ...JSON.parse(world.keyText), accessKey: weak }));
      const s = stack([userStatus("max", { email: "max@example.com", status: "Disabled" })]);
      s.setConfig("securid:apiKeyFile", keyFile);
      const { result, operations } = await world.requestsDuring(() => s.up());
      assert.equal(result.ok, false);
      assert.match(errors(result), /1024[- ]bit/);
      assert.match(everything(result), /ERR_INVALID_KEY|key/i);
      assert.doesNotMatch(errors(result), /cannot reach/i);
      const body = weak.split("\n")[3]!;
      assert.ok(!everything(result).includes(body), "no line of the key in the output");
      assert.deepEqual(operations, []);
      assert.equal(status("max@example.com"), "Enabled");
    });

    it("key content put in securid:apiKeyFile is named, never echoed, and nothing is sent", async () => {
      seed("lee@example.com", "Enabled");
      const s = stack([userStatus("lee", { email: "lee@example.com", status: "Disabled" })]);
      s.setConfig("securid:apiKeyFile", world.keyText);
      const { result, operations } = await world.requestsDuring(() => s.up());
      assert.equal(result.ok, false);
      assert.match(errors(result), /securid:apiKeyFile/);
      assert.match(errors(result), /securid:apiKey\b/);
      const key = JSON.parse(world.keyText) as { accessKey: string; accessID: string };
      const fragments = [key.accessKey.slice(100, 140), key.accessID, "BEGIN RSA PRIVATE KEY"];
      for (const fragment of fragments) {
        assert.ok(!everything(result).includes(fragment), `the output holds ${fragment.slice(0, 8)}...`);
        assert.ok(!s.exportState().includes(fragment), "the state holds key material");
      }
      assert.deepEqual(operations, []);
    });
  });
});
