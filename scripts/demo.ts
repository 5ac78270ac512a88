/**
 * `npm run demo`: runs the offboarding example with the real Pulumi CLI against the local emulator.
 *
 * 1. checks that `pulumi` is on PATH (there is no way around the CLI for `pulumi up`);
 * 2. builds the package (the example imports `pulumi-securid`, which resolves to `dist/`);
 * 3. starts the emulator with the example's users, some of them needing a change, and writes its key file;
 * 4. runs `pulumi up --yes` on a local file backend with a throwaway passphrase;
 * 5. prints each user's status before and after, and the requests the emulator received.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { startEmulator, type SeedUser } from "../src/emulator";

const root = path.resolve(__dirname, "..");
const example = path.join(root, "examples", "offboarding");

function pulumiOnPath(): boolean {
  return spawnSync("pulumi", ["version"], { stdio: "ignore" }).status === 0;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd = root): void {
  const result = spawnSync(command, args, { cwd, env, stdio: "inherit" });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited with ${result.status ?? result.signal}`);
  }
}

async function main(): Promise<number> {
  if (!pulumiOnPath()) {
    console.error(
      [
        "The demo runs `pulumi up`, and the Pulumi CLI is not on PATH.",
        "Install it, then run `npm run demo` again:",
        "  curl -fsSL https://get.pulumi.com | sh      (Linux, macOS)",
        "  brew install pulumi/tap/pulumi              (macOS)",
        "  choco install pulumi                         (Windows)",
        "See https://www.pulumi.com/docs/install/. The test suite (`npm test`) needs no CLI.",
      ].join("\n"),
    );
    return 1;
  }

  console.log("Building the package (the example imports pulumi-securid from dist/)...");
  run("npm", ["run", "-s", "build"], process.env);

  const desired = JSON.parse(readFileSync(path.join(example, "users.json"), "utf8")) as {
    email: string;
    status: "Enabled" | "Disabled";
  }[];
  // Half of the users start in the other status, so the first `up` has work to do.
  const seed: SeedUser[] = desired.map((user, index) => ({
    emailAddress: user.email,
    firstName: user.email.split(".")[0],
    lastName: user.email.split(/[.@]/)[1],
    userStatus: index % 2 === 0 ? user.status : user.status === "Enabled" ? "Disabled" : "Enabled",
  }));

  const work = mkdtempSync(path.join(tmpdir(), "securid-demo-"));
  const emulator = await startEmulator({ users: seed });
  try {
    const keyFile = await emulator.writeKeyFile(work);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PULUMI_BACKEND_URL: `file://${work}`,
      PULUMI_CONFIG_PASSPHRASE: "demo-only-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      SECURID_API_KEY_FILE: keyFile,
    };
    const before = new Map(emulator.listUsers().map((u) => [u.emailAddress, u.userStatus]));
    console.log(`Emulator: ${emulator.url} (key file ${keyFile})`);

    run("pulumi", ["stack", "init", "demo", "--non-interactive"], env);
    run("pulumi", ["up", "--yes", "--non-interactive", "--stack", "demo"], env);
    const writesAfterFirstUp = emulator.stats().writes;
    console.log("\nRunning `pulumi up` again: nothing to change, no request that writes.");
    run("pulumi", ["up", "--yes", "--non-interactive", "--stack", "demo"], env);

    console.log("\nUser                                   before      after       desired");
    for (const user of desired) {
      const now = emulator.getUser(user.email)?.userStatus ?? "(gone)";
      console.log(
        `${user.email.padEnd(38)} ${String(before.get(user.email)).padEnd(11)} ${now.padEnd(11)} ${user.status}`,
      );
    }
    const stats = emulator.stats();
    console.log(
      `\nRequests: ${stats.requests} (${stats.writes} writes: ${writesAfterFirstUp} in the first up, ` +
        `${stats.writes - writesAfterFirstUp} in the second)`,
    );
    run("pulumi", ["stack", "rm", "demo", "--yes", "--force", "--non-interactive"], env);
    return 0;
  } finally {
    await emulator.close();
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
