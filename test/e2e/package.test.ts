/**
 * The package as users get it: `npm pack`, installed into a fresh program's node_modules, type-checked
 * as a consumer would, and run through the real plugin from there. This is where `__provider` must
 * hold a package specifier (not a path of this machine) and stay small.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startEmulator, type Emulator } from "../../src/emulator";
import {
  Engine,
  dynamicType,
  findSecrets,
  installProgram,
  packPackage,
  startPlugin,
  type InstalledProgram,
} from "../../dev/engine";

/** The lowest @pulumi/pulumi the peer dependency allows (dynamic-provider `configure` came in 3.139). */
const MINIMUM_PULUMI = (
  require("../../package.json") as { peerDependencies: Record<string, string> }
).peerDependencies["@pulumi/pulumi"].match(/>=\s*([0-9.]+)/)![1];
const CURRENT_PULUMI = (require("@pulumi/pulumi/package.json") as { version: string }).version;

describe("the packed package, installed into a program (e2e)", function () {
  this.timeout(300_000);

  let work: string;
  let tarball: string;
  let emulator: Emulator;
  let keyFile: string;

  function installApp(name: string, pulumiVersion: string): InstalledProgram {
    return installProgram(path.join(work, name), tarball, pulumiVersion);
  }

  before(async function () {
    work = mkdtempSync(path.join(tmpdir(), "securid-pkg-"));
    tarball = packPackage(work);
    emulator = await startEmulator({
      users: [
        { emailAddress: "ada@example.com", userStatus: "Enabled" },
        { emailAddress: "alan@example.com", userStatus: "Enabled" },
      ],
    });
    keyFile = await emulator.writeKeyFile(work);
  });

  after(async () => {
    await emulator?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  describe(`with @pulumi/pulumi ${CURRENT_PULUMI}`, () => {
    let program: InstalledProgram;
    let app: string;
    before(() => {
      program = installApp("current", CURRENT_PULUMI);
      app = program.dir;
    });

    it("ships only dist/, the README, the changelog and the licence, with type declarations", () => {
      const pkg = path.join(app, "node_modules", "pulumi-securid");
      const files = execFileSync("find", [".", "-type", "f", "-not", "-path", "./node_modules/*"], {
        cwd: pkg,
        encoding: "utf8",
      })
        .split("\n")
        .filter(Boolean);
      assert.ok(files.includes("./dist/index.d.ts"));
      assert.ok(files.includes("./dist/resources/provider-entry.js"));
      assert.deepEqual(
        files.filter((f) => !/^\.\/(dist\/|README\.md$|CHANGELOG\.md$|LICENSE$|package\.json$)/.test(f)),
        [],
      );
    });

    it("type-checks a consumer program with node10 and node16 module resolution", () => {
      typeCheckConsumer(app);
    });

    it("runs through the real plugin from node_modules with a small, portable __provider", async () => {
      await runThroughPlugin(program, "ada@example.com");
    });
  });

  describe(`with the minimum supported @pulumi/pulumi ${MINIMUM_PULUMI}`, () => {
    it("runs through that version's plugin, serialized by that version's SDK", async () => {
      const program = installApp("minimum", MINIMUM_PULUMI);
      const installedPulumi = JSON.parse(
        readFileSync(path.join(program.dir, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8"),
      ) as { version: string };
      assert.equal(installedPulumi.version, MINIMUM_PULUMI);
      await runThroughPlugin(program, "alan@example.com");
    });
  });

  /** Serializes the installed package's provider with the app's own SDK, then create + no-op + refresh + delete. */
  async function runThroughPlugin(program: InstalledProgram, email: string): Promise<void> {
    const app = program.dir;
    const provider = await program.serializedProvider("UserStatus");
    console.log(
      `      __provider from the installed package: ${provider.length} bytes per copy (2 copies per resource)`,
    );

    assert.match(provider, /require\("pulumi-securid\/provider\/user-status"\)/);
    assert.doesNotMatch(
      provider,
      new RegExp(work.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")),
      "no path of this machine",
    );
    assert.ok(provider.length < 1024, `__provider is ${provider.length} bytes`);

    const plugin = await startPlugin({ cwd: app, env: { SECURID_API_KEY_FILE: "" } });
    try {
      await plugin.configure({ "securid:apiKeyFile": keyFile });
      const engine = new Engine(plugin);
      const goal = {
        type: dynamicType("securid", "UserStatus"),
        name: email,
        inputs: { email, status: "Disabled", __provider: provider },
      };
      const created = await engine.up(goal);
      assert.equal(created.state.outputs.status, "Disabled");
      assert.equal(emulator.getUser(email)?.userStatus, "Disabled");
      const writes = emulator.stats().writes;
      assert.equal((await engine.up(goal, created.state)).op, "same");
      const refreshed = await engine.refresh(created.state);
      assert.equal(refreshed?.outputs.status, "Disabled");
      await engine.destroy(created.state);
      assert.equal(emulator.stats().writes, writes, "no write after the create");
      const key = JSON.parse(readFileSync(keyFile, "utf8")) as { accessKey: string };
      assert.deepEqual(findSecrets([created.state, refreshed], [key.accessKey.split("\n")[1]]), []);
    } finally {
      await plugin.stop();
    }
  }
});

function typeCheckConsumer(app: string): void {
  writeFileSync(
    path.join(app, "index.ts"),
    [
      'import * as pulumi from "@pulumi/pulumi";',
      'import { UserStatus, UserSync, NexusUserSync, getUserOutput, searchUsers, hasErrorCode } from "pulumi-securid";',
      'import { startEmulator } from "pulumi-securid/emulator";',
      'import { createCasClient } from "pulumi-securid/client";',
      'const sync = new UserSync("s", { email: "a@example.com", triggers: ["v1"] });',
      'const s = new UserStatus("u", { email: "a@example.com", status: "Disabled" }, { dependsOn: [sync] });',
      'new NexusUserSync("n", { userId: "u1", audience: "a", attributes: { upn: "a@example.com" }, connection: { connectionId: "c" }, clientUpnKey: "upn" });',
      "export const status: pulumi.Output<string> = s.status;",
      'export const user = getUserOutput({ email: "a@example.com" }).email;',
      "void searchUsers; void hasErrorCode; void startEmulator; void createCasClient;",
    ].join("\n"),
  );
  const tsc = require.resolve("typescript/bin/tsc");
  // A program as `pulumi new typescript` makes it: its tsconfig has neither skipLibCheck nor
  // esModuleInterop, so the root module's declarations must not reach libraries that need them (zod).
  writeFileSync(
    path.join(app, "program.ts"),
    [
      'import * as securid from "pulumi-securid";',
      'const staff = new securid.Roster("staff", { users: [{ email: "a@example.com", status: "Enabled" }], maxChanges: "5%" });',
      'new securid.UserStatus("u", { email: "b@example.com", status: "Disabled", ifMissing: "ignore" });',
      "export const summary = staff.summary;",
      'export const user = securid.getUserOutput({ email: "a@example.com" }).email;',
    ].join("\n"),
  );
  try {
    execFileSync(
      process.execPath,
      [
        tsc,
        "--noEmit",
        "--strict",
        "--target",
        "es2020",
        "--module",
        "commonjs",
        "--moduleResolution",
        "node",
        "--noImplicitReturns",
        "--types",
        "node",
        "program.ts",
      ],
      { cwd: app, encoding: "utf8" },
    );
  } catch (err) {
    assert.fail(`a Pulumi-template program does not type-check:\n${(err as { stdout?: string }).stdout}`);
  }
  for (const resolution of [
    ["--module", "commonjs", "--moduleResolution", "node10"],
    ["--module", "node16", "--moduleResolution", "node16"],
  ]) {
    try {
      execFileSync(
        process.execPath,
        [tsc, "--noEmit", "--strict", "--skipLibCheck", "--types", "node", ...resolution, "index.ts"],
        { cwd: app, encoding: "utf8" },
      );
    } catch (err) {
      assert.fail(
        `consumer type-check (${resolution.join(" ")}) failed:\n${(err as { stdout?: string }).stdout}`,
      );
    }
  }
}
