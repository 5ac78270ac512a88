/** The decisions of UserStatus, as tables: desired and observed state in, write and record out. */
import assert from "node:assert/strict";
import { sameEmail, UNKNOWN, isUnknown } from "../../src/resources/inputs";
import {
  adoptedPreviousStatus,
  planDiff,
  planRestore,
  planStatus,
  recordedObservation,
  type DesiredStatus,
  type DiffInputs,
  type IfMissing,
  type Observed,
  type RecordedUser,
  type RestorePlan,
  type StatusPlan,
} from "../../src/resources/user-status-plan";

const enabled: Observed = { exists: true, status: "Enabled", markDeleted: false };
const disabled: Observed = { exists: true, status: "Disabled", markDeleted: false };
const marked: Observed = { exists: true, status: "Enabled", markDeleted: true };
const pendingStatus: Observed = { exists: true, status: "Pending Deletion", markDeleted: false };
const absent: Observed = { exists: false };

const none: StatusPlan = { action: "none" };
const write = (to: DesiredStatus): StatusPlan => ({ action: "write", to });
const refuse = (reason: "not-found" | "absent" | "pending-deletion"): StatusPlan => ({
  action: "refuse",
  reason,
});

describe("UserStatus plan: desired x observed status", () => {
  const table: [string, DesiredStatus, Observed, boolean, IfMissing, StatusPlan][] = [
    // what, desired, observed, adopting, ifMissing, plan
    ["converged Disabled", "Disabled", disabled, true, "fail", none],
    ["converged Enabled", "Enabled", enabled, true, "fail", none],
    ["a leaver to disable", "Disabled", enabled, true, "fail", write("Disabled")],
    ["a user to enable", "Enabled", disabled, false, "fail", write("Enabled")],
    ["Disabled on a user marked for deletion", "Disabled", marked, true, "fail", none],
    ["Disabled on a user shown as Pending Deletion", "Disabled", pendingStatus, false, "fail", none],
    ["Enabled on a user marked for deletion", "Enabled", marked, true, "fail", refuse("pending-deletion")],
    ["Enabled on Pending Deletion", "Enabled", pendingStatus, false, "fail", refuse("pending-deletion")],
    ["adopting an unknown address, fail", "Disabled", absent, true, "fail", refuse("not-found")],
    ["adopting an unknown address for Enabled, fail", "Enabled", absent, true, "fail", refuse("not-found")],
    ["adopting an unknown leaver, ignore", "Disabled", absent, true, "ignore", none],
    ["adopting an unknown address for Enabled, ignore", "Enabled", absent, true, "ignore", refuse("absent")],
    ["a user CAS deleted since, Disabled", "Disabled", absent, false, "fail", none],
    ["a user CAS deleted since, Enabled", "Enabled", absent, false, "fail", refuse("absent")],
  ];
  for (const [what, desired, observed, adopting, ifMissing, plan] of table) {
    it(`${what}: ${plan.action}${"to" in plan ? ` ${plan.to}` : ""}${"reason" in plan ? ` (${plan.reason})` : ""}`, () => {
      assert.deepEqual(planStatus(desired, observed, { adopting, ifMissing }), plan);
    });
  }
});

describe("UserStatus plan: what the state records", () => {
  it("reads outputs of any version as an observation", () => {
    assert.deepEqual(recordedObservation({ status: "Enabled" }), enabled);
    assert.deepEqual(recordedObservation({ status: "Enabled", markDeleted: true }), marked);
    assert.deepEqual(recordedObservation({ status: "Absent", exists: false }), absent);
    assert.deepEqual(recordedObservation({ status: "Absent" }), absent);
  });

  it("records previousStatus from CAS on adoption, or from the resource a rename replaces", () => {
    assert.equal(adoptedPreviousStatus(enabled, undefined), "Enabled");
    assert.equal(adoptedPreviousStatus(disabled, "Enabled"), "Enabled", "the rename keeps its history");
    assert.equal(adoptedPreviousStatus(absent, undefined), "Absent");
  });
});

describe("UserStatus plan: removal", () => {
  const restore = (
    status: string,
    previousStatus: string,
    more: Partial<RecordedUser> = {},
  ): RecordedUser => ({
    status,
    previousStatus,
    onDelete: "restore",
    ...more,
  });
  const table: [string, RecordedUser, boolean, RestorePlan][] = [
    [
      "keep (the default)",
      { status: "Disabled", previousStatus: "Enabled" },
      false,
      { action: "none", why: "keep" },
    ],
    ["restore a leaver", restore("Disabled", "Enabled"), false, { action: "write", to: "Enabled" }],
    [
      "restore onto a user already there",
      restore("Enabled", "Enabled"),
      false,
      { action: "none", why: "already-restored" },
    ],
    [
      "restore when another resource now declares the user",
      restore("Disabled", "Enabled"),
      true,
      { action: "none", why: "managed-elsewhere" },
    ],
    [
      "restore onto a user CAS deleted",
      restore("Absent", "Enabled", { exists: false }),
      false,
      { action: "none", why: "absent" },
    ],
    [
      "restore onto a user pending deletion",
      restore("Disabled", "Enabled", { markDeleted: true }),
      false,
      { action: "none", why: "pending-deletion" },
    ],
    [
      "restore with nothing recorded (absent at adoption)",
      restore("Absent", "Absent", { exists: false }),
      false,
      { action: "none", why: "nothing-recorded" },
    ],
  ];
  for (const [what, recorded, managedElsewhere, plan] of table) {
    it(`${what}: ${plan.action === "write" ? `write ${plan.to}` : `nothing (${plan.why})`}`, () => {
      assert.deepEqual(planRestore(recorded, managedElsewhere), plan);
    });
  }
});

describe("UserStatus plan: diff", () => {
  const recorded: RecordedUser & { email: string } = {
    email: "Jane.Doe@example.com",
    status: "Disabled",
    previousStatus: "Enabled",
    onDelete: "keep",
  };
  const news: DiffInputs = {
    email: "jane.doe@example.com",
    status: "Disabled",
    searchUnsynched: false,
    onDelete: "keep",
    ifMissing: "fail",
  };
  const diff = (r: RecordedUser & { email: string }, n: Partial<DiffInputs>) =>
    planDiff(r, { ...news, ...n }, isUnknown, (a, b) => sameEmail(a, b));
  const table: [string, Partial<RecordedUser>, Partial<DiffInputs>, string[], string[]][] = [
    // what, recorded, news, diffs, replaces
    ["nothing changed (email in another case)", {}, {}, [], []],
    ["a new address", {}, { email: "j.doe@example.com" }, ["email"], ["email"]],
    ["an address not known yet", {}, { email: UNKNOWN }, ["email"], []],
    ["a status not known yet", {}, { status: UNKNOWN as DesiredStatus }, ["status"], []],
    ["drift found by refresh", { status: "Enabled" }, {}, ["status"], []],
    ["a user CAS deleted, still Disabled", { status: "Absent", exists: false }, {}, [], []],
    [
      "a user CAS deleted, now declared Enabled",
      { status: "Absent", exists: false },
      { status: "Enabled" },
      ["status"],
      [],
    ],
    ["onDelete", {}, { onDelete: "restore" }, ["onDelete"], []],
    ["ifMissing", {}, { ifMissing: "ignore" }, ["ifMissing"], []],
    ["searchUnsynched", {}, { searchUnsynched: true }, ["searchUnsynched"], []],
  ];
  for (const [what, more, changed, diffs, replaces] of table) {
    it(`${what}: ${diffs.length === 0 ? "no change" : replaces.length ? "replace" : `update ${diffs.join(", ")}`}`, () => {
      assert.deepEqual(diff({ ...recorded, ...more }, changed), {
        changes: diffs.length > 0,
        diffs,
        replaces,
      });
    });
  }
});
