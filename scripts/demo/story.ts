/**
 * The offboarding story the demo tells, against the emulator, step by step: what Pulumi printed, then
 * a table of the users concerned (CAS status before and after, the requests the tenant saw).
 */
import type { Emulator, RequestLogEntry } from "../../src/emulator";
import type { Outcome, Runner } from "./runners";
import type { DemoWorkspace } from "./workspace";

/** What one step did, for the printed table and for the demo's test. */
export interface StepReport {
  title: string;
  /** Each command run, with its outcome. */
  commands: { command: string; ok: boolean }[];
  /** Requests to the CAS API by operation (`lookup`, `setStatus`...), for the whole step. */
  requests: Record<string, number>;
  /** Requests per command, in order. */
  requestsPerCommand: number[];
  /** Users whose CAS status changed during the step: email -> [before, after]. */
  changed: Record<string, [string, string]>;
}

export interface DemoReport {
  runner: Runner["kind"];
  steps: StepReport[];
  /** Every user's CAS status at the end. */
  final: Record<string, string>;
}

/** The two leavers of the pull request, and the one someone re-enables by hand. */
export const LEAVERS = ["grace.hopper@example.com", "ken.thompson@example.com"];
export const REENABLED = "ken.thompson@example.com";
const BREAK_GLASS = "break-glass@example.com";

function statuses(emulator: Emulator): Map<string, string> {
  return new Map(emulator.listUsers().map((u) => [u.emailAddress, u.userStatus]));
}

function countBy(entries: readonly RequestLogEntry[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of entries) counts[e.operation] = (counts[e.operation] ?? 0) + 1;
  return counts;
}

const casRequests = (log: readonly RequestLogEntry[]) => log.filter((r) => r.api === "cas");

/** Sets every entry of a YAML roster to `status`, but the break-glass account. */
export function everyoneDisabled(roster: string): string {
  return roster.replace(/(- email: (\S+)\n\s+status: )Enabled/g, (line, head: string, email: string) =>
    email === BREAK_GLASS ? line : `${head}Disabled`,
  );
}

/** Sets the status of `emails` in a YAML roster. */
export function withStatus(
  roster: string,
  emails: readonly string[],
  status: "Enabled" | "Disabled",
): string {
  let text = roster;
  for (const email of emails) {
    const entry = new RegExp(`(- email: ${email.replace(/[.]/g, "\\.")}\\n\\s+status: )\\w+`);
    if (!entry.test(text)) throw new Error(`the roster has no entry for ${email}`);
    text = text.replace(entry, `$1${status}`);
  }
  return text;
}

const indent = (text: string) =>
  text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");

/** Runs the five steps; prints as it goes; returns what happened. */
export async function tellStory(
  runner: Runner,
  ws: DemoWorkspace,
  emulator: Emulator,
  print: (text: string) => void,
): Promise<DemoReport> {
  const steps: StepReport[] = [];

  type Run = (command: string, action: () => Promise<Outcome>, expectOk?: boolean) => Promise<Outcome>;

  /** A step: `setup` happens before the "before" snapshot (what changed outside Pulumi), `body` after. */
  async function step(
    title: string,
    story: string,
    body: (run: Run) => Promise<void>,
    setup?: (run: Run) => Promise<void>,
  ): Promise<void> {
    print(`\n━━ Step ${steps.length + 1} of 5: ${title}\n${story}\n`);
    const report: StepReport = { title, commands: [], requests: {}, requestsPerCommand: [], changed: {} };
    const run: Run = async (command, action, expectOk = true) => {
      const from = emulator.requests.length;
      print(`$ ${command}`);
      const outcome = await action();
      if (outcome.text) print(indent(outcome.text));
      report.commands.push({ command, ok: outcome.ok });
      report.requestsPerCommand.push(casRequests(emulator.requests.slice(from)).length);
      if (outcome.ok !== expectOk) {
        throw new Error(
          `\`${command}\` ${outcome.ok ? "succeeded" : "failed"}, which the story did not expect`,
        );
      }
      return outcome;
    };
    await setup?.(run);
    const before = statuses(emulator);
    const start = emulator.requests.length;
    await body(run);
    const during = casRequests(emulator.requests.slice(start));
    report.requests = countBy(during);
    const after = statuses(emulator);
    for (const [email, status] of after) {
      const was = before.get(email) ?? "(none)";
      if (was !== status) report.changed[email] = [was, status];
    }
    print(table(before, after, during));
    steps.push(report);
  }

  await step(
    "adopt the roster (pulumi up)",
    "The first `up` adopts every user of roster.yaml: one lookup each, and a status write only where CAS\n" +
      "differs. It counts as 12 roster changes, more than maxChanges (3), so it is confirmed once.",
    async (run) => {
      await run("pulumi config set securid:confirmChanges 12", async () => {
        await runner.setConfig("securid:confirmChanges", "12");
        return { ok: true, text: "" };
      });
      await run("pulumi up --yes", () => runner.up());
      await run("pulumi config rm securid:confirmChanges", async () => {
        await runner.removeConfig("securid:confirmChanges");
        return { ok: true, text: "" };
      });
    },
  );

  await step(
    "a pull request offboards two leavers",
    `roster.yaml: ${LEAVERS.join(" and ")} become Disabled. The pipeline's preview shows the plan\n` +
      "without a single request to CAS; after the merge, `up` applies it.",
    async (run) => {
      ws.writeRoster(withStatus(ws.readRoster(), LEAVERS, "Disabled"));
      await run("pulumi preview", () => runner.preview());
      await run("pulumi up --yes", () => runner.up());
    },
  );

  await step(
    "someone re-enables a leaver by hand",
    `A help-desk admin enables ${REENABLED} again in the console (here: the emulator's admin API).\n` +
      "`refresh` reads every user and shows the drift; the next `up` puts the declared status back.",
    async (run) => {
      await run("pulumi refresh --yes", () => runner.refresh());
      await run("pulumi up --yes", () => runner.up());
    },
    async (run) => {
      await run(`PATCH /__emulator/users/${REENABLED} {"userStatus":"Enabled"}`, async () => {
        const answer = await fetch(`${emulator.origin}/__emulator/users/${encodeURIComponent(REENABLED)}`, {
          method: "PATCH",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ userStatus: "Enabled" }),
        });
        return { ok: answer.ok, text: `${answer.status} ${answer.statusText}` };
      });
    },
  );

  const good = ws.readRoster();
  await step(
    "a broken export marks everyone Disabled",
    "An HR export gone wrong sets every user Disabled (all but the break-glass account, which HR does\n" +
      "not export). The change guard refuses the preview before any request, and says how a real mass\n" +
      "change is confirmed.",
    async (run) => {
      ws.writeRoster(everyoneDisabled(good));
      await run("pulumi preview", () => runner.preview(), false);
      ws.writeRoster(good);
      print("(roster.yaml restored: the pull request is closed, nothing was applied)");
    },
  );

  await step(
    "a second up with nothing changed",
    "Idempotent by design: the state already matches the roster, so `up` sends no request at all.",
    async (run) => {
      await run("pulumi up --yes", () => runner.up());
    },
  );

  return { runner: runner.kind, steps, final: Object.fromEntries(statuses(emulator)) };
}

/** The users the step concerned: requests they got, and their status before and after. */
function table(
  before: Map<string, string>,
  after: Map<string, string>,
  requests: readonly RequestLogEntry[],
): string {
  const byUser = new Map<string, string[]>();
  const emailOf = new Map([...after.keys()].map((email) => [email.toLowerCase(), email]));
  const idToEmail = new Map<string, string>();
  for (const r of requests) {
    const email =
      (r.email && emailOf.get(r.email.toLowerCase())) ?? (r.userId ? idToEmail.get(r.userId) : undefined);
    if (r.userId && email) idToEmail.set(r.userId, email);
    if (!email) continue;
    byUser.set(email, [...(byUser.get(email) ?? []), r.operation]);
  }
  const rows = [...after.keys()].filter(
    (email) => before.get(email) !== after.get(email) || byUser.has(email),
  );
  const quiet = rows.filter(
    (email) =>
      before.get(email) === after.get(email) && (byUser.get(email) ?? []).every((op) => op === "lookup"),
  );
  const shown = rows.filter((email) => !quiet.includes(email));
  const lines =
    shown.length > 0
      ? [`  ${"user".padEnd(32)} ${"CAS before".padEnd(11)} ${"CAS after".padEnd(11)} requests`]
      : [];
  for (const email of shown) {
    lines.push(
      `  ${email.padEnd(32)} ${String(before.get(email)).padEnd(11)} ${String(after.get(email)).padEnd(11)} ${(byUser.get(email) ?? []).join(", ") || "none"}`,
    );
  }
  if (quiet.length > 0) lines.push(`  ${quiet.length} other users: one lookup each, status unchanged`);
  const counts = countBy(requests);
  const summary = Object.entries(counts)
    .map(([op, n]) => `${n} ${op}`)
    .join(", ");
  lines.push(`  Requests to CAS in this step: ${requests.length}${summary ? ` (${summary})` : ""}`);
  return `\n${lines.join("\n")}`;
}
