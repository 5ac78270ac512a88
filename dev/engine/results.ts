/** What one operation of a {@link ProgramStack} reports: steps, diagnostics, provider calls, outputs, text. */
import type { LogSeverity } from "./monitor";

/**
 * The kind of step. `delete-replaced` is the delete half of a replacement (shown by the CLI on the replace's row,
 * not counted); `refresh` is a read whose finding is in {@link StepRecord.refresh}.
 */
export type StepOp = "same" | "create" | "update" | "replace" | "delete" | "delete-replaced" | "refresh";

/** What a refresh found: the resource as recorded, changed, or gone (removed from the state). */
export type RefreshFinding = "same" | "update" | "delete";

/** The operations the CLI's summary counts (`Resources: + 2 to create ... 3 unchanged`). */
export type CountedOp = "same" | "create" | "update" | "replace" | "delete";

export interface StepRecord {
  urn: string;
  type: string;
  name: string;
  op: StepOp;
  /** The provider call of this step failed (or its check did). */
  failed?: boolean;
  /** Properties that differ: the provider's detailed diff, else the inputs that differ (as the CLI shows). */
  diffs?: string[];
  /** Properties whose change forces a replacement. */
  replaces?: string[];
  /** For a replace: the old resource was deleted before the new one was created. */
  deleteBeforeReplace?: boolean;
  /** For `refresh` steps. */
  refresh?: RefreshFinding;
  /** The resource was found in the old state under another URN (an alias matched). */
  aliasedFrom?: string;
}

export interface Diagnostic {
  severity: LogSeverity;
  message: string;
  /** The resource the message is about; none for the stack as a whole. */
  urn?: string;
  /** Who said it: the engine (check failures, provider errors), the program (`pulumi.log`, errors). */
  source: "engine" | "program";
}

/** One RPC the engine sent to the dynamic-provider plugin, in the order sent. */
export interface ProviderCall {
  method: "configure" | "check" | "diff" | "create" | "update" | "read" | "delete";
  /** The resource's URN (the default provider's for `configure`). */
  urn: string;
}

/** A stack output as `pulumi stack output` would give it, with its secrecy kept apart. */
export interface StackOutput {
  /** The value, secrets unwrapped (the UNKNOWN sentinel when it is not known during a preview). */
  value: unknown;
  /** The whole value is secret (`pulumi stack output` shows `[secret]`). */
  secret: boolean;
  /** Some value inside is secret (e.g. one property of an exported object). */
  containsSecrets: boolean;
  /** Not known yet, or something inside is not (preview of a resource to create). */
  unknown: boolean;
}

export type OperationKind = "preview" | "update" | "refresh" | "destroy";

export interface OperationResult {
  kind: OperationKind;
  /** The operation finished without an error (the CLI's exit code 0). */
  ok: boolean;
  steps: StepRecord[];
  /** Logical steps per op, as in the CLI's summary (a replace counts once; refresh steps by finding). */
  counts: Partial<Record<CountedOp, number>>;
  /** The stack outputs after the operation (during a preview: as the program would set them). */
  outputs: Record<string, StackOutput>;
  diagnostics: Diagnostic[];
  /** Every RPC sent to the plugin, in order. */
  providerCalls: ProviderCall[];
  /** The plugin process of this operation (undefined when none was needed). */
  pluginPid?: number;
  /** How that process ended: it is stopped before the operation returns. */
  pluginExit?: { code: number | null; signal: NodeJS.Signals | null };
  /** Peak resident set size of that process in bytes (`VmHWM`, read just before it was stopped); undefined without /proc. */
  pluginPeakRssBytes?: number;
  /** The program's exit (undefined for refresh and destroy, which do not run it). */
  programExit?: { code: number | null; signal: NodeJS.Signals | null };
  program: { stdout: string[]; stderr: string[] };
  /** `console.log`/`console.error` of provider methods, as the CLI prints them. */
  plugin: { stdout: string[]; stderr: string[] };
  durationMs: number;
  /** A rendering close to what the Pulumi CLI prints for this operation. */
  text: string;
}

/** Counts logical steps the way the engine's summary does. */
export function countSteps(steps: readonly StepRecord[]): Partial<Record<CountedOp, number>> {
  const counts: Partial<Record<CountedOp, number>> = {};
  for (const s of steps) {
    if (s.failed) continue;
    let op: CountedOp | undefined;
    if (s.op === "refresh") op = s.refresh;
    else if (s.op !== "delete-replaced") op = s.op;
    if (op) counts[op] = (counts[op] ?? 0) + 1;
  }
  return counts;
}
