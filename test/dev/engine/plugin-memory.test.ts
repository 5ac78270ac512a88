/** The plugin's peak memory in an operation's result: `VmHWM` of /proc, read just before the plugin is stopped. */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ProgramStack, readPeakRssKb } from "../../../dev/engine";
import { PROGRAMS, assertOk } from "./fixtures";

describe("dev/engine: the plugin's peak RSS", function () {
  this.timeout(120_000);

  it("reads VmHWM of <proc>/<pid>/status in kB; undefined without the file or the line", () => {
    const proc = mkdtempSync(path.join(tmpdir(), "fake-proc-"));
    try {
      mkdirSync(path.join(proc, "41"));
      writeFileSync(
        path.join(proc, "41", "status"),
        "Name:\tnode\nVmPeak:\t 1300000 kB\nVmHWM:\t  181236 kB\nVmRSS:\t  150000 kB\n",
      );
      mkdirSync(path.join(proc, "42"));
      writeFileSync(path.join(proc, "42", "status"), "Name:\tkthreadd\nState:\tS (sleeping)\n");
      assert.equal(readPeakRssKb(41, proc), 181236);
      assert.equal(readPeakRssKb(42, proc), undefined, "no VmHWM line (a kernel thread)");
      assert.equal(readPeakRssKb(43, proc), undefined, "no such process");
      assert.equal(readPeakRssKb(process.pid, path.join(proc, "absent")), undefined, "no /proc at all");
    } finally {
      rmSync(proc, { recursive: true, force: true });
    }
  });

  it("OperationResult.pluginPeakRssBytes: the plugin's VmHWM in bytes where /proc exists; undefined without a plugin", async () => {
    const stack = new ProgramStack({ dir: PROGRAMS.outputs });
    const up = assertOk(await stack.up());
    assert.ok(up.pluginPid !== undefined && up.pluginExit, "a plugin ran and was stopped");
    if (existsSync(`/proc/${process.pid}/status`)) {
      const bytes = up.pluginPeakRssBytes;
      assert.ok(bytes !== undefined, "read before the plugin was stopped");
      assert.equal(bytes % 1024, 0, "kB × 1024");
      assert.ok(bytes > 20 * 2 ** 20 && bytes < 4 * 2 ** 30, `a Node process's peak: ${bytes} bytes`);
    } else {
      assert.equal(up.pluginPeakRssBytes, undefined);
    }
    const empty = new ProgramStack({ dir: PROGRAMS.outputs });
    const refresh = assertOk(await empty.refresh());
    assert.equal(refresh.pluginPid, undefined, "nothing to read: no plugin");
    assert.equal(refresh.pluginPeakRssBytes, undefined);
  });
});
