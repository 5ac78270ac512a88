import { byKey } from "./applied";
import type { RosterChanges } from "./changes";
import { formatMaxChanges, type MaxChanges } from "./limit";
import { plural } from "./text";

/** The stack configuration key that confirms a mass change. */
export const CONFIRM_CHANGES_KEY = "securid:confirmChanges";

/** Most changes a refusal lists, by address. */
export const MAX_LISTED_CHANGES = 20;

/** What the guard needs to decide on one update. */
export interface GuardInput {
  /** From `countChanges`. */
  changes: RosterChanges;
  /** From `changeLimit`. */
  limit: number;
  /** The setting the limit comes from, to explain it in messages (e.g. a percentage). */
  maxChanges?: MaxChanges;
  /** Stack config `securid:confirmChanges`, as read (text), when set. */
  confirmChanges?: string | number;
  /** The roster as messages name it (its file, or the component's name). */
  roster?: string;
}

/** The guard's decision. */
export type GuardVerdict =
  | {
      allowed: true;
      /** True when the update is over the limit and `securid:confirmChanges` names its exact count. */
      confirmed: boolean;
      /** Something to tell (a confirmation used, or set but not needed), with what to do. */
      note?: string;
    }
  | {
      allowed: false;
      /** The count, the limit, up to 20 changes by address, and how to confirm. */
      message: string;
    };

/**
 * Lets an update through when it makes at most `limit` changes, or when `securid:confirmChanges`
 * is exactly its count (`"135"` for 135 changes; any other value, such as a confirmation left over
 * from another update, is refused). Otherwise refuses with a message that gives the count, the
 * limit, the first changes by address, and how to confirm.
 */
export function guardVerdict(input: GuardInput): GuardVerdict {
  const { changes, limit } = input;
  const total = changes.total;
  const confirmation = input.confirmChanges === undefined ? undefined : String(input.confirmChanges).trim();
  const unset = `pulumi config rm ${CONFIRM_CHANGES_KEY}`;
  if (total <= limit) {
    if (confirmation === undefined || confirmation === "") return { allowed: true, confirmed: false };
    return {
      allowed: true,
      confirmed: false,
      note: `${CONFIRM_CHANGES_KEY} is set (${JSON.stringify(confirmation)}) but this update needs no confirmation (${plural(total, "change")}, limit ${limit}); remove it: ${unset}`,
    };
  }
  if (confirmation === String(total)) {
    return {
      allowed: true,
      confirmed: true,
      note: `${plural(total, "roster change")} confirmed by ${CONFIRM_CHANGES_KEY}; remove it now so that it confirms nothing else: ${unset}`,
    };
  }
  return { allowed: false, message: refusal(input, confirmation) };
}

function refusal(input: GuardInput, confirmation: string | undefined): string {
  const { changes, limit } = input;
  const total = changes.total;
  const kinds = [
    changes.added.length > 0 ? `${changes.added.length} new` : "",
    changes.removed.length > 0 ? `${changes.removed.length} removed` : "",
    changes.changed.length > 0 ? plural(changes.changed.length, "status change") : "",
  ].filter(Boolean);
  const subject = input.roster ? `Roster ${input.roster}` : "Roster";
  const lines = [
    `${subject}: this update makes ${plural(total, "change")} (${kinds.join(", ")}), more than the limit of ${limit}${limitSource(input)}; nothing was changed.`,
    ...firstChanges(changes, MAX_LISTED_CHANGES).map((line) => `  ${line}`),
  ];
  if (total > MAX_LISTED_CHANGES) lines.push(`  and ${total - MAX_LISTED_CHANGES} more`);
  if (changes.firstApply) {
    lines.push("This is the roster's first update on this stack, so every entry counts.");
  } else if (changes.nextSize === 0) {
    lines.push(
      `The new roster is empty; the last applied one had ${plural(changes.previousSize, "entry", "entries")}. If the export is broken, fix the file instead of confirming.`,
    );
  } else if (changes.nextSize < changes.previousSize / 2) {
    lines.push(
      `The new roster has ${plural(changes.nextSize, "entry", "entries")}; the last applied one had ${changes.previousSize}. If the export is broken, fix the file instead of confirming.`,
    );
  }
  if (confirmation !== undefined && confirmation !== "") {
    lines.push(
      `${CONFIRM_CHANGES_KEY} is ${JSON.stringify(confirmation)}, which does not confirm this update: a confirmation lets through only the exact count it names, here ${total}.`,
    );
  }
  lines.push(
    `To apply these ${plural(total, "change")}: pulumi config set ${CONFIRM_CHANGES_KEY} ${total}, run again, then pulumi config rm ${CONFIRM_CHANGES_KEY}.`,
  );
  return lines.join("\n");
}

function limitSource({ maxChanges, changes }: GuardInput): string {
  if (!maxChanges) return "";
  const setting = `maxChanges ${formatMaxChanges(maxChanges)}`;
  if (maxChanges.kind === "count") return ` (${setting})`;
  const size = Math.max(changes.previousSize, changes.nextSize);
  return ` (${setting} of ${plural(size, "entry", "entries")}, rounded down)`;
}

/**
 * The first `max` changes in address order, as `+ ada@example.com (new, Enabled)`,
 * `- bob@example.com (removed)`, `~ eve@example.com Enabled -> Disabled`. The three lists are sorted
 * already, so the first `max` of all are among the first `max` of each.
 */
function firstChanges(changes: RosterChanges, max: number): string[] {
  return [
    ...changes.added.slice(0, max).map((e) => ({ key: e.key, line: `+ ${e.email} (new, ${e.status})` })),
    ...changes.removed.slice(0, max).map((e) => ({ key: e.key, line: `- ${e.key} (removed)` })),
    ...changes.changed.slice(0, max).map((e) => ({ key: e.key, line: `~ ${e.email} ${e.from} -> ${e.to}` })),
  ]
    .sort(byKey)
    .slice(0, max)
    .map((change) => change.line);
}
