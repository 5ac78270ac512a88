/**
 * Where the demo runs: a copy of `examples/offboarding/` in a temporary directory, whose
 * `node_modules` links to this repository's (so `pulumi-securid` resolves to the package built here
 * and `@pulumi/pulumi` is the one copy the program needs), and a local state directory. Nothing is
 * left behind.
 */
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface DemoWorkspace {
  /** The program's directory (a copy of the example). */
  readonly programDir: string;
  /** A directory for the Pulumi state (file backend) and the key file. */
  readonly stateDir: string;
  /** The roster file of the copy. */
  readonly rosterFile: string;
  readRoster(): string;
  writeRoster(text: string): void;
  /** Removes everything the workspace created. */
  cleanup(): void;
}

const EXAMPLE_FILES = ["index.ts", "roster.yaml", "Pulumi.yaml", "package.json", "tsconfig.json"];

/** Copies the example and links its dependencies to this repository's. */
export function prepareWorkspace(root: string): DemoWorkspace {
  const base = mkdtempSync(path.join(tmpdir(), "securid-demo-"));
  const programDir = path.join(base, "offboarding");
  const stateDir = path.join(base, "state");
  mkdirSync(programDir);
  mkdirSync(stateDir);
  for (const file of EXAMPLE_FILES) {
    copyFileSync(path.join(root, "examples", "offboarding", file), path.join(programDir, file));
  }
  const modules = path.join(programDir, "node_modules");
  mkdirSync(modules);
  for (const entry of readdirSync(path.join(root, "node_modules"))) {
    if (entry.startsWith(".")) continue;
    symlinkSync(path.join(root, "node_modules", entry), path.join(modules, entry), "junction");
  }
  symlinkSync(root, path.join(modules, "pulumi-securid"), "junction");
  const rosterFile = path.join(programDir, "roster.yaml");
  return {
    programDir,
    stateDir,
    rosterFile,
    readRoster: () => readFileSync(rosterFile, "utf8"),
    writeRoster: (text) => writeFileSync(rosterFile, text),
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}
