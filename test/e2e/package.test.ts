/**
 * The package as users get it: `npm pack`, installed into a fresh program's node_modules, type-checked
 * as a consumer would, and run through the real plugin from there. This is where `__provider` must
 * hold a package specifier (not a path of this machine) and stay small.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startEmulator, type Emulator } from "../../src/emulator";
import { Engine, dynamicType, findSecrets, serializeProvider, startPlugin } from "./harness";

const ROOT = path.resolve(__dirname, "../..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function run(args: string[], cwd: string): string {
  return execFileSync(npm, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

describe("the packed package, installed into a program (e2e)", function () {
  this.timeout(240_000);

  let work: string;
  let app: string;
  let emulator: Emulator;

  before(function () {
    work = mkdtempSync(path.join(tmpdir(), "securid-pkg-"));
    app = path.join(work, "app");
    mkdirSync(app);
    const packed = JSON.parse(run(["pack", "--json", "--pack-destination", work], ROOT)) as {
      filename: string;
    }[];
    const tarball = path.join(work, packed[0].filename);
    const pulumiVersion = (require("@pulumi/pulumi/package.json") as { version: string }).version;
    writeFileSync(
      path.join(app, "package.json"),
      JSON.stringify({
        name: "consumer",
        private: true,
        dependencies: { "pulumi-securid": `file:${tarball}`, "@pulumi/pulumi": pulumiVersion },
      }),
    );
    run(["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], app);
  });

  after(async () => {
    await emulator?.close();
    if (work) rmSync(work, { recursive: true, force: true });
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
    assert.ok(!files.some((f) => f.startsWith("./dist/test") || (f.endsWith(".ts") && !f.endsWith(".d.ts"))));
  });

  it("type-checks a consumer program with node10 and node16 module resolution", () => {
    writeFileSync(
      path.join(app, "index.ts"),
      [
        'import * as pulumi from "@pulumi/pulumi";',
        'import { UserStatus, UserSync, NexusUserSync, getUserOutput, searchUsers, hasErrorCode } from "pulumi-securid";',
        'import { startEmulator } from "pulumi-securid/emulator";',
        'const sync = new UserSync("s", { email: "a@example.com", triggers: ["v1"] });',
        'const s = new UserStatus("u", { email: "a@example.com", status: "Disabled" }, { dependsOn: [sync] });',
        'new NexusUserSync("n", { userId: "u1", audience: "a", attributes: { upn: "a@example.com" }, connection: { connectionId: "c" }, clientUpnKey: "upn" });',
        "export const status: pulumi.Output<string> = s.status;",
        'export const user = getUserOutput({ email: "a@example.com" }).email;',
        "void searchUsers; void hasErrorCode; void startEmulator;",
      ].join("\n"),
    );
    const tsc = require.resolve("typescript/bin/tsc");
    for (const resolution of [
      ["--module", "commonjs", "--moduleResolution", "node10"],
      ["--module", "node16", "--moduleResolution", "node16"],
    ]) {
      execFileSync(
        process.execPath,
        [tsc, "--noEmit", "--strict", "--skipLibCheck", "--types", "node", ...resolution, "index.ts"],
        { cwd: app, encoding: "utf8" },
      );
    }
  });

  it("runs through the real plugin from node_modules with a small, portable __provider", async () => {
    emulator = await startEmulator({ users: [{ emailAddress: "ada@example.com", userStatus: "Enabled" }] });
    const keyFile = await emulator.writeKeyFile(work);
    const installed = path.join(
      app,
      "node_modules",
      "pulumi-securid",
      "dist",
      "resources",
      "thin-provider.js",
    );
    const { providerFor } = require(installed) as typeof import("../../src/resources/thin-provider");
    const provider = await serializeProvider(providerFor("UserStatus"));
    console.log(
      `      __provider from the installed package: ${provider.length} bytes per copy (2 copies per resource)`,
    );

    assert.match(provider, /"pulumi-securid\/provider"/);
    assert.doesNotMatch(
      provider,
      new RegExp(work.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")),
      "no path of this machine",
    );
    assert.ok(provider.length < 3072, `__provider is ${provider.length} bytes`);

    const plugin = await startPlugin({ cwd: app, env: { SECURID_API_KEY_FILE: "" } });
    try {
      await plugin.configure({ "securid:apiKeyFile": keyFile });
      const engine = new Engine(plugin);
      const type = dynamicType("securid", "UserStatus");
      const created = await engine.up({
        type,
        name: "ada",
        inputs: { email: "ada@example.com", status: "Disabled", __provider: provider },
      });
      assert.equal(created.state.outputs.status, "Disabled");
      assert.equal(emulator.getUser("ada@example.com")?.userStatus, "Disabled");
      const key = JSON.parse(readFileSync(keyFile, "utf8")) as { accessKey: string };
      assert.deepEqual(findSecrets(created.state, [key.accessKey.split("\n")[1]]), []);
    } finally {
      await plugin.stop();
    }
  });
});
