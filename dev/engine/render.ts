/**
 * Text close to what the Pulumi CLI prints (pulumi/pulumi `pkg/backend/display`: progress rows, `Diagnostics:`,
 * `Outputs:`, `Resources:` summary), and the engine's rendering of property values in check failures.
 */
import { UNKNOWN, isSecret } from "./secrets";
import type { PropertyMap } from "./plugin";
import type { CountedOp, Diagnostic, OperationKind, StepRecord } from "./results";
import { ROOT_STACK_TYPE, displayTypeName, parseUrn } from "./urn";

/**
 * `resource.PropertyValue.String()` as the engine's `%v` prints it in `property <p> value <v> has a problem`:
 * `{abc}` for a string, `{[{a} {b}]}` for an array, `{map[k:{v}]}` for an object, `{<nil>}` for null or
 * missing, `output<string>{}` for an unknown, `{&{{abc}}}` for a secret.
 */
export function goPropertyValue(value: unknown): string {
  if (value === UNKNOWN) return "output<string>{}";
  return `{${goInner(value)}}`;
}

function goInner(value: unknown): string {
  if (value === undefined || value === null) return "<nil>";
  if (isSecret(value)) return `&{${goPropertyValue(value.value)}}`;
  if (Array.isArray(value)) return `[${value.map((v) => goPropertyValue(v)).join(" ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `map[${entries.map(([k, v]) => `${k}:${goPropertyValue(v)}`).join(" ")}]`;
  }
  if (typeof value === "number") return goFloat(value);
  return String(value);
}

/** Go's `%v` of a float64 (`%g`, shortest): exponent form below 1e-4 and from 1e21, two-digit exponent. */
function goFloat(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (!Number.isFinite(n)) return n > 0 ? "+Inf" : "-Inf";
  if (n === 0) return "0";
  const exp = Math.floor(Math.log10(Math.abs(n)));
  if (exp >= -4 && exp < 21) return String(n);
  const [mantissa, e] = n.toExponential().split("e") as [string, string];
  return `${mantissa}e${e.startsWith("-") ? "-" : "+"}${e.replace(/^[+-]/, "").padStart(2, "0")}`;
}

const HEADERS: Record<OperationKind, [string, string]> = {
  preview: ["Previewing update", "Previewing update"],
  update: ["Updating", "Previewing update"],
  refresh: ["Refreshing", "Previewing refresh"],
  destroy: ["Destroying", "Previewing destroy"],
};

const SYMBOLS: Record<string, string> = {
  same: "  ",
  create: "+ ",
  update: "~ ",
  replace: "+-",
  delete: "- ",
};

const PAST: Record<string, string> = {
  create: "created",
  update: "updated",
  replace: "replaced",
  delete: "deleted",
  same: "",
};

const GERUND: Record<string, string> = {
  create: "creating",
  update: "updating",
  replace: "replacing",
  delete: "deleting",
  same: "",
  refresh: "refreshing",
};

function rowOp(step: StepRecord): string {
  return step.op === "refresh" ? (step.refresh ?? "same") : step.op;
}

function diffInfo(step: StepRecord): string {
  if (step.op === "same" || step.op === "delete" || step.op === "create") return "";
  const keys = step.diffs?.length ? step.diffs : step.replaces;
  if (!keys?.length) return "";
  return `[diff: ${keys.map((k) => `~${k}`).join(", ")}]`;
}

export interface RenderInput {
  kind: OperationKind;
  dryRun: boolean;
  stack: string;
  project: string;
  ok: boolean;
  steps: readonly StepRecord[];
  counts: Partial<Record<CountedOp, number>>;
  diagnostics: readonly Diagnostic[];
  /** Lines printed by the program and the plugin: the CLI shows them under the stack. */
  printed: readonly string[];
  /** The stack outputs in their wire form (secrets and unknowns marked). */
  outputs: PropertyMap;
  durationMs: number;
}

/** A stack output as the CLI prints it: secrets as `[secret]`, unknowns as `output<string>`. */
function outputText(value: unknown): string {
  const redact = (v: unknown): unknown => {
    if (isSecret(v)) return SECRET_MARK;
    if (v === UNKNOWN) return UNKNOWN_MARK;
    if (Array.isArray(v)) return v.map(redact);
    if (typeof v === "object" && v !== null)
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redact(x)]));
    return v;
  };
  return (JSON.stringify(redact(value)) ?? "undefined")
    .replaceAll(JSON.stringify(SECRET_MARK), "[secret]")
    .replaceAll(JSON.stringify(UNKNOWN_MARK), "output<string>");
}

const SECRET_MARK = "\u0000secret\u0000";
const UNKNOWN_MARK = "\u0000unknown\u0000";

export function renderOperation(r: RenderInput): string {
  const out: string[] = [];
  const [live, preview] = HEADERS[r.kind];
  out.push(`${r.dryRun ? preview : live} (${r.stack}):`);
  const rows: string[][] = [];
  const shown = r.steps.filter((s) => s.op !== "delete-replaced");
  const errorsByUrn = new Map<string, number>();
  for (const d of r.diagnostics) {
    if (d.severity === "error" && d.urn !== undefined)
      errorsByUrn.set(d.urn, (errorsByUrn.get(d.urn) ?? 0) + 1);
  }
  for (const s of shown) {
    const op = rowOp(s);
    const status = s.failed
      ? `**${GERUND[op] ?? op} failed**`
      : r.dryRun
        ? op === "same"
          ? ""
          : op
        : (PAST[op] ?? op);
    const errors = errorsByUrn.get(s.urn) ?? 0;
    const info = [diffInfo(s), errors > 0 ? `${errors} error${errors > 1 ? "s" : ""}` : ""]
      .filter(Boolean)
      .join("; ");
    rows.push([SYMBOLS[op] ?? "  ", displayTypeName(s.type), s.name, status, info]);
  }
  const widths = [0, 1, 2].map((i) => Math.max(0, ...rows.map((row) => row[i]!.length)));
  for (const row of rows) {
    out.push(
      ` ${row
        .map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c))
        .join("  ")
        .trimEnd()}`,
    );
  }

  // Diagnostics, grouped by resource (the stack first); messages without a resource and the lines the program and
  // the plugin printed go under the stack.
  const stackUrn = r.steps.find((s) => s.type === ROOT_STACK_TYPE)?.urn ?? "";
  const groups = new Map<string, string[]>([[stackUrn, []]]);
  const add = (urn: string | undefined, line: string) => {
    const key = urn ?? stackUrn;
    const lines = groups.get(key);
    if (lines) lines.push(line);
    else groups.set(key, [line]);
  };
  for (const line of r.printed) add(undefined, line);
  for (const d of r.diagnostics) {
    const prefix = d.severity === "info" ? "" : `${d.severity}: `;
    for (const [i, line] of d.message.replace(/\n+$/, "").split("\n").entries())
      add(d.urn, i === 0 ? `${prefix}${line}` : line);
  }
  if (!r.ok) {
    add(undefined, `error: ${r.dryRun ? "preview" : r.kind === "destroy" ? "destroy" : r.kind} failed`);
  }
  const nonEmpty = [...groups].filter(([, lines]) => lines.length > 0);
  if (nonEmpty.length > 0) {
    out.push("", "Diagnostics:");
    for (const [urn, lines] of nonEmpty) {
      if (urn) {
        const { type, name } = parseUrn(urn);
        out.push(`  ${displayTypeName(type)} (${name}):`);
      } else {
        out.push(`  ${ROOT_STACK_TYPE} (${r.project}-${r.stack}):`);
      }
      for (const line of lines) out.push(`    ${line}`.trimEnd());
      out.push("");
    }
    out.pop();
  }

  const keys = Object.keys(r.outputs).sort();
  if (keys.length > 0) {
    out.push("", "Outputs:");
    const w = Math.max(...keys.map((k) => k.length));
    for (const k of keys) out.push(`    ${k.padEnd(w)}: ${outputText(r.outputs[k])}`);
  }

  out.push("", "Resources:");
  const order: CountedOp[] = ["create", "update", "delete", "replace"];
  const verbs: Record<CountedOp, string> = {
    create: "create",
    update: "update",
    delete: "delete",
    replace: "replace",
    same: "",
  };
  let kinds = 0;
  let changes = 0;
  for (const op of order) {
    const c = r.counts[op] ?? 0;
    if (c === 0) continue;
    kinds++;
    changes += c;
    out.push(`    ${SYMBOLS[op]!.trim()} ${c} ${r.dryRun ? `to ${verbs[op]}` : PAST[op]}`);
  }
  const pieces: string[] = [];
  if (kinds >= 2) pieces.push(`${changes} change${changes === 1 ? "" : "s"}`);
  if (r.counts.same) pieces.push(`${r.counts.same} unchanged`);
  if (pieces.length > 0) out.push(`    ${pieces.join(". ")}`);
  if (!r.dryRun) out.push("", `Duration: ${Math.ceil(r.durationMs / 1000)}s`);
  return out.join("\n") + "\n";
}
