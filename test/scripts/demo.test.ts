/**
 * `npm run demo` through the stand-in path, as a newcomer without the Pulumi CLI runs it: it must exit
 * 0, tell the five steps, send exactly the requests each step promises, end with the declared statuses,
 * and leave nothing behind. Runs the demo as a process, with its own empty temporary directory.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DemoReport } from "../../scripts/demo/story";

const ROOT = path.resolve(__dirname, "..", "..");

function runDemo(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", path.join(ROOT, "scripts", "demo", "index.ts"), ...args],
      { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("npm run demo (stand-in path)", function () {
  this.timeout(180_000);

  let output: string;
  let report: DemoReport;
  let scratch: string;

  before(async () => {
    scratch = mkdtempSync(path.join(tmpdir(), "securid-demo-test-"));
    const reportFile = path.join(scratch, "report.json");
    const temp = path.join(scratch, "tmp");
    mkdirSync(temp);
    const run = await runDemo(["--stand-in", "--report", reportFile], {
      ...process.env,
      TMPDIR: temp,
      SECURID_API_KEY: "must-not-be-used",
    });
    output = run.output;
    assert.equal(run.code, 0, `the demo exited ${run.code}:\n${output}`);
    report = JSON.parse(readFileSync(reportFile, "utf8")) as DemoReport;
    // (Tools may keep caches there, e.g. v8-compile-cache; the demo's own directories must be gone.)
    assert.deepEqual(
      readdirSync(temp).filter((f) => f.startsWith("securid-")),
      [],
      "the demo left files behind",
    );
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it("says it is not the Pulumi CLI, and how to get it", () => {
    assert.equal(report.runner, "stand-in");
    assert.match(output, /Not the Pulumi CLI/);
    assert.match(output, /https:\/\/www\.pulumi\.com\/docs\/install\//);
  });

  it("tells the five steps, each with what Pulumi printed", () => {
    const titles = [...output.matchAll(/━━ Step (\d) of 5: (.*)/g)].map((m) => `${m[1]} ${m[2]}`);
    assert.deepEqual(titles, [
      "1 adopt the roster (pulumi up)",
      "2 a pull request offboards two leavers",
      "3 someone re-enables a leaver by hand",
      "4 a broken export marks everyone Disabled",
      "5 a second up with nothing changed",
    ]);
    assert.match(output, /Updating \(demo\)/);
    assert.match(output, /Previewing update \(demo\)/);
  });

  it("sends exactly the requests each step promises", () => {
    const perCommand = report.steps.map((s) => s.requestsPerCommand);
    assert.deepEqual(perCommand, [
      [0, 14, 0], // confirm; up: 12 lookups + 2 writes where CAS differs; unconfirm
      [0, 2], // preview: none; up: the two leavers
      [0, 12, 1], // the hand change (admin API); refresh: 12 lookups; up: the repair
      [0], // the guard refuses the preview before any request
      [0], // nothing changed: nothing sent
    ]);
    assert.deepEqual(report.steps[0]!.requests, { lookup: 12, setStatus: 2 });
    assert.deepEqual(
      report.steps.map((s) => s.commands.every((c) => c.ok)),
      [true, true, true, false, true],
    );
  });

  it("changes exactly the users of each step, and ends with the declared statuses", () => {
    assert.deepEqual(report.steps[0]!.changed, {
      "alan.turing@example.com": ["Enabled", "Disabled"],
      "frances.allen@example.com": ["Disabled", "Enabled"],
    });
    assert.deepEqual(report.steps[1]!.changed, {
      "grace.hopper@example.com": ["Enabled", "Disabled"],
      "ken.thompson@example.com": ["Enabled", "Disabled"],
    });
    assert.deepEqual(report.steps[2]!.changed, { "ken.thompson@example.com": ["Enabled", "Disabled"] });
    assert.deepEqual(report.steps[3]!.changed, {});
    assert.deepEqual(report.steps[4]!.changed, {});
    const disabled = Object.entries(report.final)
      .filter(([, status]) => status === "Disabled")
      .map(([email]) => email)
      .sort();
    assert.deepEqual(disabled, [
      "alan.turing@example.com",
      "edsger.dijkstra@example.com",
      "grace.hopper@example.com",
      "ken.thompson@example.com",
    ]);
    assert.equal(Object.keys(report.final).length, 12);
  });

  it("shows the guard's refusal with the way to confirm a real mass change", () => {
    assert.match(output, /this update makes 7 changes \(7 status changes\), more than the limit of 3/);
    assert.match(output, /pulumi config set securid:confirmChanges 7/);
  });
});
