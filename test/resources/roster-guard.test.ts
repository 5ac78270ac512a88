/** The Roster's guard as the plugin runs it: check against the roster as last applied, no request. */
import assert from "node:assert/strict";
import { appliedRoster } from "../../src/roster";
import { rosterGuardProvider, type RosterGuardOutputs } from "../../src/resources/roster-guard";
import { testContext } from "./contexts";

const roster = (entries: Record<string, "Enabled" | "Disabled">) =>
  appliedRoster(Object.entries(entries).map(([key, status]) => ({ key, status })));

const people = (n: number, status: "Enabled" | "Disabled" = "Enabled") =>
  Object.fromEntries(
    Array.from({ length: n }, (_, i) => [`user${String(i).padStart(3, "0")}@example.com`, status]),
  );

function guard(settings: Record<string, string> = {}) {
  const lines: string[] = [];
  const ctx = testContext({
    settings,
    log: (line) => void lines.push(line),
    cas: () => assert.fail("the guard sends no request"),
  });
  return { provider: rosterGuardProvider(ctx), lines };
}

describe("RosterGuard check", () => {
  it("counts every entry on the first apply and lets a small roster through", async () => {
    const { provider } = guard();
    const result = await provider.check({}, { roster: roster(people(12)), maxChanges: 25, label: "'staff'" });
    assert.equal(result.failures, undefined);
    assert.equal(result.inputs?.changes, 12);
  });

  it("refuses a first apply over the limit, against the whole resource, naming the count and how to confirm", async () => {
    const { provider } = guard();
    const result = await provider.check({}, { roster: roster(people(30)), maxChanges: 25, label: "'staff'" });
    assert.equal(result.inputs, undefined);
    assert.equal(result.failures?.length, 1);
    const [failure] = result.failures!;
    assert.equal(failure!.property, "", "no property: the engine would print the whole roster as its value");
    assert.match(failure!.reason, /^Roster 'staff': this update makes 30 changes/);
    assert.match(failure!.reason, /pulumi config set securid:confirmChanges 30/);
    assert.doesNotMatch(failure!.reason, /Roster 'staff': Roster 'staff'/);
  });

  it("lets exactly the confirmed count through, and says to remove the confirmation", async () => {
    const { provider, lines } = guard({ "securid:confirmChanges": "30" });
    const result = await provider.check({}, { roster: roster(people(30)), maxChanges: 25, label: "R" });
    assert.equal(result.inputs?.changes, 30);
    assert.match(lines.join("\n"), /pulumi config rm securid:confirmChanges/);
    const stale = guard({ "securid:confirmChanges": "29" });
    const refused = await stale.provider.check(
      {},
      { roster: roster(people(30)), maxChanges: 25, label: "R" },
    );
    assert.equal(refused.inputs, undefined);
  });

  it("counts against the roster as last applied: unchanged entries count nothing", async () => {
    const { provider } = guard();
    const before = people(100);
    const after = {
      ...before,
      "user007@example.com": "Disabled" as const,
      "new@example.com": "Enabled" as const,
    };
    delete (after as Record<string, string>)["user050@example.com"];
    const result = await provider.check(
      { roster: roster(before), maxChanges: 25, label: "R" },
      { roster: roster(after), maxChanges: 25, label: "R" },
    );
    assert.equal(result.inputs?.changes, 3);
  });

  it("reads an empty roster as 100 removals, not as nothing to do", async () => {
    const { provider } = guard();
    const result = await provider.check(
      { roster: roster(people(100)), maxChanges: "10%", label: "R" },
      { roster: roster({}), maxChanges: "10%", label: "R" },
    );
    assert.match(result.failures![0]!.reason, /100 changes/);
  });

  it("refuses a malformed maxChanges or roster with the reason", async () => {
    const { provider } = guard();
    const bad = await provider.check({}, { roster: roster(people(1)), maxChanges: "lots", label: "R" });
    assert.match(bad.failures![0]!.reason, /^Roster R: maxChanges must be a whole number/);
    const missing = await provider.check({}, { maxChanges: 25, label: "R" });
    assert.match(missing.failures![0]!.reason, /the roster is missing/);
  });
});

describe("RosterGuard diff and apply", () => {
  const outs = (entries: Record<string, "Enabled" | "Disabled">, changes: number): RosterGuardOutputs => ({
    roster: roster(entries),
    maxChanges: 25,
    label: "R",
    changes,
    users: Object.keys(entries).length,
  });

  it("changes only when the roster or its limit does; the count or the label alone is no change", async () => {
    const { provider } = guard();
    const olds = outs(people(3), 3);
    assert.equal((await provider.diff("g", olds, { ...olds, changes: 0 })).changes, false);
    assert.equal((await provider.diff("g", olds, { ...olds, label: "'staff' (moved.csv)" })).changes, false);
    assert.equal((await provider.diff("g", olds, { ...olds, roster: roster(people(4)) })).changes, true);
    assert.equal((await provider.diff("g", olds, { ...olds, maxChanges: "5%" })).changes, true);
  });

  it("records the roster, its size and the changes counted", async () => {
    const { provider } = guard();
    const created = await provider.create({
      roster: roster(people(3)),
      maxChanges: 25,
      label: "R",
      changes: 3,
    });
    assert.deepEqual({ ...created.outs }, outs(people(3), 3));
    const updated = await provider.update(created.id, created.outs!, {
      roster: roster(people(2)),
      maxChanges: 25,
      label: "R",
      changes: 1,
    });
    assert.deepEqual(updated.outs, outs(people(2), 1));
  });
});
