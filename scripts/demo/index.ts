/**
 * `npm run demo`: the offboarding example (`examples/offboarding/`, a Roster over roster.yaml) told
 * as a story against the local emulator, with the Pulumi CLI when there is one, else with this
 * repository's engine stand-in (see runners.ts). It builds the package when `dist/` is missing or
 * older than the sources, needs no network beyond what `npm ci` installed, and leaves nothing behind.
 *
 *   npm run demo                          # the story
 *   npm run demo -- --stand-in            # skip the CLI, use the stand-in
 *   npm run demo -- --report report.json  # also write what happened, as JSON (the demo's test reads it)
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { buildDistIfStale } from "../../dev/build-dist";
import { startEmulator, type SeedUser } from "../../src/emulator";
import { readRoster, rosterFileSource } from "../../src/roster";
import { chooseRunner } from "./runners";
import { tellStory } from "./story";
import { prepareWorkspace } from "./workspace";

const root = path.resolve(__dirname, "..", "..");

/** Users whose CAS status differs from the roster before the first `up`, so that adoption has work. */
const DIFFERS_IN_CAS: Record<string, "Enabled" | "Disabled"> = {
  "alan.turing@example.com": "Enabled", // a leaver nobody disabled yet
  "frances.allen@example.com": "Disabled", // a joiner not enabled yet
};

async function main(argv: string[]): Promise<number> {
  const print = (text: string) => console.log(text);
  const reportFile = argv.includes("--report") ? argv[argv.indexOf("--report") + 1] : undefined;
  const started = performance.now();
  buildDistIfStale(print);

  const ws = prepareWorkspace(root);
  const roster = readRoster(rosterFileSource(ws.rosterFile));
  const seed: SeedUser[] = roster.entries.map((entry) => ({
    emailAddress: entry.email,
    userStatus: DIFFERS_IN_CAS[entry.email] ?? entry.status,
  }));
  const emulator = await startEmulator({ users: seed });
  try {
    const keyFile = await emulator.writeKeyFile(ws.stateDir);
    // Only the emulator's key: credentials of the calling shell must not reach a real tenant.
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of Object.keys(env)) if (/^(SECURID|NEXUS)_/.test(name)) delete env[name];
    const runner = await chooseRunner(ws, env, {
      prefer: argv.includes("--stand-in") ? "stand-in" : undefined,
      log: print,
    });
    try {
      print(`\n${runner.banner}`);
      print(`The emulator of the CAS API listens on ${emulator.origin}; the stack uses its key file.`);
      await runner.setConfig("securid:apiKeyFile", keyFile);
      const report = await tellStory(runner, ws, emulator, print);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      print(`\nThe story in ${seconds} s. Every write went to the emulator; nothing is left behind.`);
      if (reportFile) writeFileSync(reportFile, `${JSON.stringify(report, null, 2)}\n`);
    } finally {
      await runner.close();
    }
    return 0;
  } finally {
    await emulator.close();
    ws.cleanup();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`The demo failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
