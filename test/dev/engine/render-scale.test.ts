/** The CLI-like text of a large operation: linear in its steps, diagnostics and printed lines. */
import assert from "node:assert/strict";
import { renderOperation, type Diagnostic, type StepRecord } from "../../../dev/engine";

const TYPE = "pulumi-nodejs:dynamic/securid:UserStatus";
const urn = (i: number) => `urn:pulumi:dev::proj::${TYPE}::user${i}@example.com`;

describe("dev/engine renderOperation at scale", () => {
  it("30,000 steps, 30,000 printed lines and an error per step: each row counts its own errors, in well under a second per 10,000", () => {
    const n = 30_000;
    const steps: StepRecord[] = Array.from({ length: n }, (_, i) => ({
      urn: urn(i),
      type: TYPE,
      name: `user${i}@example.com`,
      op: "create",
      ...(i % 3 === 0 ? { failed: true } : {}),
    }));
    const diagnostics: Diagnostic[] = steps
      .filter((s) => s.failed)
      .flatMap((s) => [
        { severity: "error" as const, message: `boom ${s.name}`, urn: s.urn, source: "engine" as const },
        {
          severity: "warning" as const,
          message: `careful ${s.name}`,
          urn: s.urn,
          source: "program" as const,
        },
      ]);
    diagnostics.push({ severity: "error", message: "twice", urn: urn(0), source: "engine" });
    diagnostics.push({ severity: "error", message: "about the stack", source: "engine" });
    const printed = Array.from(
      { length: n },
      (_, i) => `securid: user${i}@example.com status Enabled -> Disabled`,
    );

    const started = performance.now();
    const text = renderOperation({
      kind: "update",
      dryRun: false,
      stack: "dev",
      project: "proj",
      ok: false,
      steps,
      counts: { create: n - steps.filter((s) => s.failed).length },
      diagnostics,
      printed,
      outputs: {},
      durationMs: 1000,
    });
    const ms = performance.now() - started;

    const lines = text.split("\n");
    const row = (name: string) => lines.find((l) => l.includes(` ${name} `) || l.endsWith(` ${name}`))!;
    assert.match(row("user0@example.com"), /\*\*creating failed\*\*\s+2 errors$/);
    assert.match(row("user3@example.com"), /\*\*creating failed\*\*\s+1 error$/);
    assert.match(row("user1@example.com"), /created$/);
    // Printed lines under the stack, in order, then the stack's own error; each resource's messages under it.
    const stackAt = lines.indexOf("  pulumi:pulumi:Stack (proj-dev):");
    assert.ok(stackAt > 0);
    assert.equal(lines[stackAt + 1], "    securid: user0@example.com status Enabled -> Disabled");
    assert.equal(lines[stackAt + n], `    securid: user${n - 1}@example.com status Enabled -> Disabled`);
    assert.equal(lines[stackAt + n + 1], "    error: about the stack");
    const user3 = lines.indexOf(`  ${TYPE} (user3@example.com):`);
    assert.deepEqual(lines.slice(user3 + 1, user3 + 3), [
      "    error: boom user3@example.com",
      "    warning: careful user3@example.com",
    ]);
    // Quadratic grouping or per-row scans of the diagnostics took tens of seconds here.
    assert.ok(ms < 5000, `rendered in ${ms.toFixed(0)} ms`);
  });
});
