/** What the tests of the engine stand-in share: an emulator, a key file, stacks of the test programs. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ProgramStack, type OperationResult, type ProgramStackOptions } from "../../../dev/engine";
import { startEmulator, type Emulator, type EmulatorOptions } from "../../../src/emulator";

/** The test programs of this folder, and the generic declarations program of the e2e scenarios. */
export const PROGRAMS = {
  outputs: path.join(__dirname, "programs", "outputs"),
  roster: path.join(__dirname, "programs", "roster"),
  initError: path.join(__dirname, "programs", "init-error"),
  files: path.join(__dirname, "programs", "files"),
  declarations: path.resolve(__dirname, "..", "..", "e2e", "programs", "declarations"),
};

export const USER_STATUS = "pulumi-nodejs:dynamic/securid:UserStatus";

export interface EmulatorWorld {
  emulator: Emulator;
  work: string;
  keyFile: string;
  /** The key file's content: a credential that must never be in a state. */
  keyText: string;
  /** A stack of a program, configured with the emulator's key file (and no credential from the environment). */
  stack(dir: string, opts?: Partial<ProgramStackOptions>): ProgramStack;
  /** API requests (not admin calls) the emulator received while `action` ran. */
  requestsDuring<T>(action: () => Promise<T>): Promise<{ result: T; operations: string[] }>;
  close(): Promise<void>;
}

export async function emulatorWorld(options: EmulatorOptions): Promise<EmulatorWorld> {
  const work = mkdtempSync(path.join(tmpdir(), "dev-engine-"));
  const emulator = await startEmulator(options);
  const keyFile = await emulator.writeKeyFile(work);
  return {
    emulator,
    work,
    keyFile,
    keyText: readFileSync(keyFile, "utf8"),
    stack(dir, opts = {}) {
      const stack = new ProgramStack({
        dir,
        env: { SECURID_API_KEY_FILE: "", SECURID_API_KEY: "" },
        ...opts,
      });
      stack.setConfig("securid:apiKeyFile", keyFile);
      return stack;
    },
    async requestsDuring(action) {
      const before = emulator.requests.length;
      const result = await action();
      const operations = emulator.requests
        .slice(before)
        .filter((r) => r.api !== "admin")
        .map((r) => r.operation);
      return { result, operations };
    },
    async close() {
      await emulator.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** `method name` of each provider call, e.g. `create ada`, in order. */
export function calls(result: OperationResult): string[] {
  return result.providerCalls.map((c) => `${c.method} ${c.urn.slice(c.urn.lastIndexOf("::") + 2)}`);
}

/** `op name` of each step, sorted (steps of independent resources complete in any order). */
export function stepsOf(result: OperationResult): string[] {
  return result.steps.map((s) => `${s.op}${s.refresh ? `:${s.refresh}` : ""} ${s.name}`).sort();
}

/** Fails with the operation's text when it did not succeed: the text says what went wrong. */
export function assertOk(result: OperationResult): OperationResult {
  if (!result.ok) throw new Error(`${result.kind} failed:\n${result.text}`);
  return result;
}

/** The error diagnostics of an operation, one per line: what the CLI prints under `error:`. */
export function errorsOf(result: OperationResult): string {
  return result.diagnostics
    .filter((d) => d.severity === "error")
    .map((d) => d.message)
    .join("\n");
}

/** `op name` of each step of resources of `type` (default: every type but the stack), sorted. */
export function resourceSteps(result: OperationResult, type?: string): string[] {
  return result.steps
    .filter((s) => (type ? s.type === type : s.type !== "pulumi:pulumi:Stack"))
    .map((s) => `${s.op} ${s.name}`)
    .sort();
}
