/**
 * The README's TypeScript examples compile against the package's current API: each ```ts block is
 * written to a scratch folder and type-checked with the project's compiler settings, where
 * `pulumi-securid` maps to src/ (as examples/ are checked). The examples import no data file: a
 * `Roster` reads its roster file (`roster.yaml`) when the program runs, not when it compiles.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");

function typeScriptBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

describe("README examples", function () {
  this.timeout(120_000);
  const scratch = path.join(ROOT, ".readme-check");

  after(() => rmSync(scratch, { recursive: true, force: true }));

  it("has TypeScript examples, and every one of them type-checks", () => {
    const blocks = typeScriptBlocks(readFileSync(path.join(ROOT, "README.md"), "utf8"));
    assert.ok(blocks.length >= 3, `found ${blocks.length} ts blocks`);
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(scratch);
    blocks.forEach((code, i) => writeFileSync(path.join(scratch, `example-${i + 1}.ts`), code));
    writeFileSync(
      path.join(scratch, "tsconfig.json"),
      JSON.stringify({ extends: "../tsconfig.json", compilerOptions: { noEmit: true }, include: ["*.ts"] }),
    );
    try {
      execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", scratch], {
        encoding: "utf8",
      });
    } catch (err) {
      assert.fail(`README examples do not compile:\n${(err as { stdout?: string }).stdout ?? err}`);
    }
  });
});
