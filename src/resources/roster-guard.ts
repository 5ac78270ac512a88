import { randomUUID } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import {
  APPLIED_ROSTER_HEADER,
  CONFIRM_CHANGES_KEY,
  changeLimit,
  countChanges,
  guardVerdict,
  parseAppliedRoster,
  parseMaxChanges,
} from "../roster";
import type { ProviderContext } from "./context";
import { defined } from "./inputs";
import { providerFor } from "./thin-provider";

/** The inputs of the guard: the roster as the program read it, and its limit. */
export interface RosterGuardInputs {
  /** The roster in its applied form (`appliedRoster`): sorted `address status` lines. */
  roster: string;
  /** `maxChanges` as the program set it (a count, or `"N%"`). */
  maxChanges: number | string;
  /** How messages name the roster after the word "Roster": its name and file, `'staff' (people.csv)`. */
  label: string;
  /** Filled by `check`: the roster changes this update makes against the last applied roster. */
  changes?: number;
}

/** The outputs of the guard: the roster as last applied, and what that update changed. */
export interface RosterGuardOutputs extends RosterGuardInputs {
  /** Entries of the roster as last applied. */
  users: number;
  changes: number;
}

const INPUT_NAMES = ["roster", "maxChanges", "label", "changes"];

/**
 * The change guard of a {@link Roster}, run by the plugin process. Its inputs are the whole roster;
 * `check` receives the roster as this stack last applied it (the old inputs) and refuses, before
 * anything else of the roster is even registered, an update that changes more entries than
 * `maxChanges` allows, unless stack config `securid:confirmChanges` is exactly that count. It sends
 * no request of its own.
 *
 * @internal
 */
export function rosterGuardProvider(ctx: ProviderContext) {
  function validate(olds: Record<string, unknown>, news: Record<string, unknown>) {
    const label = typeof news.label === "string" ? news.label : "";
    const fail = (
      reason: string,
      prefix = `Roster ${label}: `,
    ): pulumi.dynamic.CheckResult<RosterGuardInputs> => ({
      failures: [{ property: "", reason: `${prefix}${reason}` }],
    });
    const unknown = Object.keys(news).filter((k) => k !== "__provider" && !INPUT_NAMES.includes(k));
    if (unknown.length > 0) return fail(`unknown properties ${unknown.join(", ")}`);
    if (typeof news.roster !== "string" || !news.roster.startsWith(APPLIED_ROSTER_HEADER)) {
      return fail("the roster is missing: construct the guard through Roster");
    }
    try {
      const maxChanges = parseMaxChanges(news.maxChanges);
      const next = [...parseAppliedRoster(news.roster)].map(([key, status]) => ({ key, email: key, status }));
      const previous = typeof olds.roster === "string" ? olds.roster : undefined;
      const changes = countChanges(previous, next);
      const limit = changeLimit(maxChanges, changes.previousSize, changes.nextSize);
      const verdict = guardVerdict({
        changes,
        limit,
        maxChanges,
        confirmChanges: ctx.setting(CONFIRM_CHANGES_KEY),
        roster: label,
      });
      if (!verdict.allowed) return fail(verdict.message, ""); // it names the roster itself
      if (verdict.note) ctx.log(`securid: ${verdict.note}`);
      const inputs: RosterGuardInputs = {
        roster: news.roster,
        maxChanges: news.maxChanges as number | string,
        label,
        changes: changes.total,
      };
      return { inputs };
    } catch (err) {
      return fail((err as Error).message);
    }
  }

  return {
    async check(olds: Record<string, unknown>, news: Record<string, unknown>) {
      return validate(olds, news);
    },

    async diff(
      _id: string,
      olds: RosterGuardOutputs,
      news: RosterGuardInputs,
    ): Promise<pulumi.dynamic.DiffResult> {
      // `changes` is what check counted against the state (0 on an update that changes nothing), and
      // `label` only names the roster in messages: neither is a reason for an update by itself.
      const changed = olds.roster !== news.roster || String(olds.maxChanges) !== String(news.maxChanges);
      return { changes: changed, replaces: [], deleteBeforeReplace: false };
    },

    async create(news: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult<RosterGuardOutputs>> {
      const outs = outputs(news);
      return { id: `roster-guard-${randomUUID()}`, outs };
    },

    async update(
      _id: string,
      _olds: RosterGuardOutputs,
      news: Record<string, unknown>,
    ): Promise<pulumi.dynamic.UpdateResult<RosterGuardOutputs>> {
      return { outs: outputs(news) };
    },

    async read(id: string, props: RosterGuardOutputs) {
      // Nothing to read: the guard's state is the roster as applied.
      return { id, props };
    },

    async delete(): Promise<void> {},
  };

  function outputs(news: Record<string, unknown>): RosterGuardOutputs {
    const roster = String(news.roster);
    return defined({
      roster,
      maxChanges: news.maxChanges as number | string,
      label: String(news.label),
      changes: typeof news.changes === "number" ? news.changes : 0,
      users: parseAppliedRoster(roster).size,
    });
  }
}

/**
 * The change guard of a {@link Roster} (created by it; not meant to be declared alone). It holds the
 * roster as this stack last applied it, and every `UserStatus` of the roster depends on it, so that a
 * refused change stops the update before any of them is checked, read or written.
 */
export class RosterGuard extends pulumi.dynamic.Resource {
  /** The roster as last applied: sorted `address status` lines. */
  declare readonly roster: pulumi.Output<string>;
  /** The roster changes counted by the update that last changed the roster. */
  declare readonly changes: pulumi.Output<number>;
  /** Entries of the roster as last applied. */
  declare readonly users: pulumi.Output<number>;

  constructor(name: string, args: Omit<RosterGuardInputs, "changes">, opts?: pulumi.CustomResourceOptions) {
    super(
      providerFor("RosterGuard"),
      name,
      {
        roster: args.roster,
        maxChanges: args.maxChanges,
        label: args.label,
        changes: undefined,
        users: undefined,
      },
      opts,
      "securid",
      "RosterGuard",
    );
  }
}
