import assert from "node:assert/strict";
import { APPLIED_ROSTER_HEADER, appliedRoster, parseAppliedRoster } from "../../src/roster/applied";
import { countChanges } from "../../src/roster/changes";
import type { RosterStatus } from "../../src/roster/entry";
import { rosterErrorOf } from "./helpers";

/** Entries from `"email=Status"` shorthands. */
function roster(...items: string[]): { key: string; email: string; status: RosterStatus }[] {
  return items.map((item) => {
    const [email, status] = item.split("=") as [string, RosterStatus];
    return { key: email.toLowerCase(), email, status };
  });
}

/** The changes as `+ email`, `- key`, `~ email from>to` lines, and the total. */
function summary(previous: string | undefined, next: ReturnType<typeof roster>): [string[], number] {
  const c = countChanges(previous, next);
  return [
    [
      ...c.added.map((e) => `+ ${e.email} ${e.status}`),
      ...c.removed.map((e) => `- ${e.key} ${e.status}`),
      ...c.changed.map((e) => `~ ${e.email} ${e.from}>${e.to}`),
    ],
    c.total,
  ];
}

describe("applied roster and changes", () => {
  it("is a header and sorted `key status` lines, whatever the entries' order", () => {
    const text = appliedRoster(roster("bob@example.com=Disabled", "Ada@Example.com=Enabled"));
    assert.equal(text, `${APPLIED_ROSTER_HEADER}\nada@example.com Enabled\nbob@example.com Disabled`);
    assert.equal(appliedRoster(roster("Ada@Example.com=Enabled", "bob@example.com=Disabled")), text);
    assert.deepEqual(
      [...parseAppliedRoster(text)],
      [
        ["ada@example.com", "Enabled"],
        ["bob@example.com", "Disabled"],
      ],
    );
    assert.equal(appliedRoster([]), APPLIED_ROSTER_HEADER);
    assert.equal(parseAppliedRoster(APPLIED_ROSTER_HEADER).size, 0);
  });

  it("keeps addresses with = and other unusual characters (an address has no space)", () => {
    const entries = [
      { key: "a=b+c@example.com", status: "Enabled" as const },
      { key: "o'neil!#$%&*@example.com", status: "Disabled" as const },
    ];
    assert.deepEqual(
      [...parseAppliedRoster(appliedRoster(entries))],
      [
        ["a=b+c@example.com", "Enabled"],
        ["o'neil!#$%&*@example.com", "Disabled"],
      ],
    );
  });

  const malformed: [string, string][] = [
    ["", 'it does not start with "securid-roster v1"'],
    ["ada@example.com Enabled", 'it does not start with "securid-roster v1"'],
    [`${APPLIED_ROSTER_HEADER}\nada@example.com Active`, 'line 2 is not "address status"'],
    [`${APPLIED_ROSTER_HEADER}\nada@example.com`, 'line 2 is not "address status"'],
  ];
  for (const [text, problem] of malformed) {
    it(`refuses an applied roster of another form: ${JSON.stringify(text)}`, () => {
      assert.match(
        rosterErrorOf(() => parseAppliedRoster(text)).message,
        new RegExp(`^Invalid roster the roster recorded in the stack's state: ${problem}; `),
      );
    });
  }

  const applied = appliedRoster(
    roster("ada@example.com=Enabled", "bob@example.com=Enabled", "cid@example.com=Disabled"),
  );
  // [what, previous applied roster, next entries, changes, total]
  const cases: [string, string | undefined, ReturnType<typeof roster>, string[], number][] = [
    [
      "first apply: every entry counts as added",
      undefined,
      roster("bob@example.com=Enabled", "ada@example.com=Disabled"),
      ["+ ada@example.com Disabled", "+ bob@example.com Enabled"],
      2,
    ],
    ["first apply of an empty roster", undefined, [], [], 0],
    [
      "the same entries reordered, in other case",
      applied,
      roster("CID@example.com=Disabled", "Ada@Example.com=Enabled", "bob@example.com=Enabled"),
      [],
      0,
    ],
    [
      "one added, one removed, one changed",
      applied,
      roster("dan@example.com=Enabled", "ada@example.com=Enabled", "Cid@example.com=Enabled"),
      ["+ dan@example.com Enabled", "- bob@example.com Enabled", "~ Cid@example.com Disabled>Enabled"],
      3,
    ],
    [
      "an empty new roster removes everything (never read as 'everything')",
      applied,
      [],
      ["- ada@example.com Enabled", "- bob@example.com Enabled", "- cid@example.com Disabled"],
      3,
    ],
  ];
  for (const [what, previous, next, changes, total] of cases) {
    it(`counts ${what}`, () => {
      assert.deepEqual(summary(previous, next), [changes, total]);
    });
  }

  it("reports sizes and the first apply", () => {
    const first = countChanges(undefined, roster("ada@example.com=Enabled"));
    assert.deepEqual([first.previousSize, first.nextSize, first.firstApply], [0, 1, true]);
    const later = countChanges(applied, []);
    assert.deepEqual([later.previousSize, later.nextSize, later.firstApply], [3, 0, false]);
  });

  it("sorts each list by address", () => {
    const c = countChanges(undefined, roster("c@x.com=Enabled", "a@x.com=Enabled", "b@x.com=Enabled"));
    assert.deepEqual(
      c.added.map((e) => e.key),
      ["a@x.com", "b@x.com", "c@x.com"],
    );
  });

  it("refuses entries listed twice (a caller that skipped readRoster)", () => {
    assert.throws(
      () => countChanges(undefined, roster("a@x.com=Enabled", "A@x.com=Disabled")),
      /a@x\.com is listed twice/,
    );
  });

  it("counts 10,000 entries against 10,000", () => {
    const before = Array.from({ length: 10_000 }, (_, i) => `user${i}@example.com=Enabled`);
    const after = before.map((item, i) => (i % 10 === 0 ? item.replace("Enabled", "Disabled") : item));
    after.splice(0, 5);
    after.push("new@example.com=Enabled");
    const c = countChanges(appliedRoster(roster(...before)), roster(...after));
    assert.deepEqual([c.added.length, c.removed.length, c.changed.length, c.total], [1, 5, 999, 1005]);
  });
});
