import assert from "node:assert/strict";
import { appliedRoster } from "../../src/roster/applied";
import { countChanges, type RosterChanges } from "../../src/roster/changes";
import type { RosterStatus } from "../../src/roster/entry";
import { guardVerdict, MAX_LISTED_CHANGES, type GuardVerdict } from "../../src/roster/guard";
import { changeLimit, parseMaxChanges } from "../../src/roster/limit";

function entries(
  count: number,
  status: RosterStatus,
  prefix = "user",
): { key: string; email: string; status: RosterStatus }[] {
  return Array.from({ length: count }, (_, i) => {
    const email = `${prefix}${String(i).padStart(3, "0")}@example.com`;
    return { key: email, email, status };
  });
}

/** 30 entries applied: user000-029, all Enabled. */
const APPLIED = appliedRoster(entries(30, "Enabled"));

/** The changes of an update: 1 new (ada), 1 removed (user000), 3 disabled (user001-003). */
function smallUpdate(): RosterChanges {
  const next = entries(30, "Enabled").slice(1);
  for (const e of next.slice(0, 3)) e.status = "Disabled";
  next.push({ key: "ada@example.com", email: "Ada@Example.com", status: "Enabled" });
  return countChanges(APPLIED, next);
}

function verdict(changes: RosterChanges, limit: number, confirmChanges?: string | number): GuardVerdict {
  return guardVerdict({ changes, limit, confirmChanges, roster: "people.csv" });
}

const CONFIRM = (n: number) =>
  `To apply these ${n} changes: pulumi config set securid:confirmChanges ${n}, run again, then pulumi config rm securid:confirmChanges.`;

describe("the change guard", () => {
  // [what, limit, confirmChanges, allowed, confirmed]
  const decisions: [string, number, string | number | undefined, boolean, boolean][] = [
    ["under the limit", 10, undefined, true, false],
    ["at the limit", 5, undefined, true, false],
    ["over the limit", 4, undefined, false, false],
    ["over a limit of 0", 0, undefined, false, false],
    ["over the limit, confirmed with the exact count", 4, "5", true, true],
    ["over the limit, confirmed with spaces around the count", 4, " 5 ", true, true],
    ["over the limit, confirmed with the count as a number", 4, 5, true, true],
    ["over the limit, a confirmation for another count (stale)", 4, "4", false, false],
    ["over the limit, a confirmation for a larger count", 4, "6", false, false],
    ["over the limit, a confirmation with a leading zero", 4, "05", false, false],
    ["over the limit, a confirmation as a decimal", 4, "5.0", false, false],
    ["over the limit, a confirmation that is not a count", 4, "yes", false, false],
    ["over the limit, an empty confirmation", 4, "", false, false],
  ];
  for (const [what, limit, confirmChanges, allowed, confirmed] of decisions) {
    it(`decides ${what}`, () => {
      const result = verdict(smallUpdate(), limit, confirmChanges);
      assert.equal(result.allowed, allowed);
      if (result.allowed) assert.equal(result.confirmed, confirmed);
    });
  }

  it("refuses with the count, the limit, each change by address, and how to confirm", () => {
    const result = verdict(smallUpdate(), 4);
    assert.deepEqual(result, {
      allowed: false,
      message: [
        "Roster people.csv: this update makes 5 changes (1 new, 1 removed, 3 status changes), more than the limit of 4; nothing was changed.",
        "  + Ada@Example.com (new, Enabled)",
        "  - user000@example.com (removed)",
        "  ~ user001@example.com Enabled -> Disabled",
        "  ~ user002@example.com Enabled -> Disabled",
        "  ~ user003@example.com Enabled -> Disabled",
        CONFIRM(5),
      ].join("\n"),
    });
  });

  it("says why a confirmation for another count does not apply", () => {
    const result = verdict(smallUpdate(), 4, "3");
    assert.ok(!result.allowed);
    assert.equal(
      result.message.split("\n").slice(-2).join("\n"),
      [
        'securid:confirmChanges is "3", which does not confirm this update: a confirmation lets through only the exact count it names, here 5.',
        CONFIRM(5),
      ].join("\n"),
    );
  });

  it("tells to remove the confirmation once used, or when not needed", () => {
    assert.deepEqual(verdict(smallUpdate(), 4, "5"), {
      allowed: true,
      confirmed: true,
      note: "5 roster changes confirmed by securid:confirmChanges; remove it now so that it confirms nothing else: pulumi config rm securid:confirmChanges",
    });
    assert.deepEqual(verdict(smallUpdate(), 10, "5"), {
      allowed: true,
      confirmed: false,
      note: 'securid:confirmChanges is set ("5") but this update needs no confirmation (5 changes, limit 10); remove it: pulumi config rm securid:confirmChanges',
    });
    assert.deepEqual(verdict(countChanges(APPLIED, entries(30, "Enabled")), 0), {
      allowed: true,
      confirmed: false,
    });
  });

  it(`lists at most ${MAX_LISTED_CHANGES} changes, sorted by address across kinds, then how many more`, () => {
    const next = [...entries(30, "Disabled").slice(5), ...entries(10, "Enabled", "a")];
    const result = verdict(countChanges(APPLIED, next), 25);
    assert.ok(!result.allowed);
    const lines = result.message.split("\n");
    assert.equal(
      lines[0],
      "Roster people.csv: this update makes 40 changes (10 new, 5 removed, 25 status changes), more than the limit of 25; nothing was changed.",
    );
    assert.deepEqual(lines.slice(1, 1 + MAX_LISTED_CHANGES + 1), [
      ...entries(10, "Enabled", "a").map((e) => `  + ${e.email} (new, Enabled)`),
      ...entries(5, "Enabled").map((e) => `  - ${e.key} (removed)`),
      ...entries(10, "Enabled")
        .slice(5)
        .map((e) => `  ~ ${e.email} Enabled -> Disabled`),
      "  and 20 more",
    ]);
  });

  // Rosters that shrank: counted like any other change, with a warning against confirming a broken export.
  const shrinking: [string, RosterChanges, string][] = [
    [
      "an empty roster",
      countChanges(APPLIED, []),
      "The new roster is empty; the last applied one had 30 entries. If the export is broken, fix the file instead of confirming.",
    ],
    [
      "a roster that lost most of its entries",
      countChanges(APPLIED, entries(30, "Enabled").slice(0, 12)),
      "The new roster has 12 entries; the last applied one had 30. If the export is broken, fix the file instead of confirming.",
    ],
    [
      "a first apply",
      countChanges(undefined, entries(30, "Enabled")),
      "This is the roster's first update on this stack, so every entry counts.",
    ],
  ];
  for (const [what, changes, warning] of shrinking) {
    it(`refuses ${what} over the limit, and says so`, () => {
      const result = verdict(changes, 10);
      assert.ok(!result.allowed);
      const lines = result.message.split("\n");
      assert.equal(lines.at(-2), warning);
      assert.equal(lines.at(-1), CONFIRM(changes.total));
    });
  }

  it("refuses an empty roster with a percentage limit: the limit is of the larger roster", () => {
    const changes = countChanges(APPLIED, []);
    const maxChanges = parseMaxChanges("10%");
    const limit = changeLimit(maxChanges, changes.previousSize, changes.nextSize);
    const result = guardVerdict({ changes, limit, maxChanges });
    assert.ok(!result.allowed);
    assert.equal(
      result.message.split("\n")[0],
      'Roster: this update makes 30 changes (30 removed), more than the limit of 3 (maxChanges "10%" of 30 entries, rounded down); nothing was changed.',
    );
  });

  it("names a count limit's setting", () => {
    const result = guardVerdict({ changes: smallUpdate(), limit: 2, maxChanges: parseMaxChanges(2) });
    assert.ok(!result.allowed);
    assert.match(result.message, /more than the limit of 2 \(maxChanges 2\); nothing was changed\./);
  });

  it("decides on 10,000 entries", () => {
    const before = appliedRoster(entries(10_000, "Enabled"));
    const next = entries(10_000, "Enabled").map((e, i) =>
      i % 3 === 0 ? { ...e, status: "Disabled" as const } : e,
    );
    const changes = countChanges(before, next);
    const result = guardVerdict({ changes, limit: 25, confirmChanges: "3334" });
    assert.deepEqual(result.allowed && result.confirmed, true);
  });
});
