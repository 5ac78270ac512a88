/**
 * Builds `dist/` when it is missing or older than `src/`: what a program of this repository loads
 * when it imports `pulumi-securid` (Node resolves the package's own name to `dist/` from inside the
 * repository). The demo and the end-to-end tests run their programs that way: compiled JavaScript,
 * as an installed package is, instead of compiling the sources with ts-node in every process.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..");

function newestFile(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestFile(file) : statSync(file).mtimeMs);
  }
  return newest;
}

/** True when `dist/` is missing or older than a file of `src/`. */
export function distIsStale(): boolean {
  const built = path.join(ROOT, "dist", "index.js");
  return !existsSync(built) || statSync(built).mtimeMs < newestFile(path.join(ROOT, "src"));
}

/** Runs `tsc -p tsconfig.build.json` when `dist/` is stale; throws when the build fails. */
export function buildDistIfStale(log: (line: string) => void = () => undefined): void {
  if (!distIsStale()) return;
  log("Building the package (dist/)...");
  const tsc = require.resolve("typescript/bin/tsc");
  const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (result.status !== 0)
    throw new Error(`the build failed (npm run build):\n${result.stdout}${result.stderr}`);
}
