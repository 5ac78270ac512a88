import assert from "node:assert/strict";
import { offlineContext } from "./contexts";
import { UNKNOWN } from "../../src/resources/inputs";
import { effectiveStatus, userSyncProvider, type UserSyncOutputs } from "../../src/resources/user-sync";

const offline = offlineContext();
const provider = userSyncProvider(offline);

const olds: UserSyncOutputs = {
  userId: "u-1",
  email: "Jane.Doe@example.com",
  lastSyncTime: "2025-01-01T00:00:00.000Z",
  status: "Enabled",
  markDeleted: false,
  statusBefore: "Enabled",
  statusAfter: "Enabled",
  statusChanged: false,
  searchUnsynched: false,
  triggers: ["v1", { rev: 1, source: "hr" }],
};

describe("UserSync check", () => {
  it("normalises an email, fills the defaults and keeps the triggers as given", async () => {
    const result = await provider.check(
      {},
      { email: " jane.doe@example.com ", triggers: [1, { a: [true] }] },
    );
    assert.equal(result.failures, undefined);
    assert.deepEqual(result.inputs, {
      email: "jane.doe@example.com",
      searchUnsynched: false,
      triggers: [1, { a: [true] }],
    });
  });

  it("accepts a userId alone, without triggers", async () => {
    const result = await provider.check({}, { userId: "f85b6e95-f41f-45b4-bc84-559fead6460c" });
    assert.deepEqual(result.inputs, {
      userId: "f85b6e95-f41f-45b4-bc84-559fead6460c",
      searchUnsynched: false,
    });
  });

  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    [
      "neither email nor userId",
      { triggers: ["v1"] },
      "email",
      /email or userId is required: set email to the user's address, e.g. "jane.doe@example.com", or userId/,
    ],
    [
      "both email and userId",
      { email: "a@example.com", userId: "u-1" },
      "userId",
      /set either email or userId, not both: keep email \(looked up first\) or userId \(no lookup\)/,
    ],
    [
      "an email without @",
      { email: "jane.doe" },
      "email",
      /email must be an email address such as "jane.doe@example.com", got "jane.doe"/,
    ],
    ["an empty email", { email: "" }, "email", /email is required/],
    [
      "an empty userId",
      { userId: " " },
      "userId",
      /userId must be a non-empty string such as "f85b6e95-f41f-45b4-bc84-559fead6460c", got " "/,
    ],
    [
      "searchUnsynched with a userId",
      { userId: "u-1", searchUnsynched: true },
      "searchUnsynched",
      /searchUnsynched applies to an email lookup: remove it, or use email instead of userId/,
    ],
    [
      "a non-boolean searchUnsynched",
      { email: "a@example.com", searchUnsynched: "yes" },
      "searchUnsynched",
      /searchUnsynched must be true or false, got "yes"/,
    ],
    [
      "triggers that are not a list",
      { email: "a@example.com", triggers: "v2" },
      "triggers",
      /triggers must be a list of values, e\.g\. \["v42"\], got "v2"/,
    ],
    [
      "a misspelt property",
      { email: "a@example.com", trigger: ["v1"] },
      "trigger",
      /unknown property "trigger": the properties are email, userId, searchUnsynched, triggers/,
    ],
  ];
  for (const [what, news, property, reason] of cases) {
    it(`names the property, the problem and the fix for ${what}`, async () => {
      const result = await provider.check({}, news);
      assert.equal(result.inputs, undefined, "no inputs: the engine must not go on to create or update");
      const failure = result.failures?.find((f) => f.property === property);
      assert.ok(failure, `a failure for ${property}: ${JSON.stringify(result.failures)}`);
      assert.match(failure.reason, /^UserSync: /);
      assert.match(failure.reason, reason);
    });
  }

  it("accepts values not known yet during a preview", async () => {
    const result = await provider.check({}, { email: UNKNOWN, triggers: UNKNOWN, searchUnsynched: UNKNOWN });
    assert.equal(result.failures, undefined);
    assert.deepEqual(result.inputs, { email: UNKNOWN, triggers: UNKNOWN, searchUnsynched: UNKNOWN });
  });
});

describe("UserSync diff", () => {
  const news = {
    email: "jane.doe@example.com",
    searchUnsynched: false,
    triggers: ["v1", { source: "hr", rev: 1 }],
  };

  it("no change when the user and the triggers are the same (object keys in any order): changes is explicit", async () => {
    assert.deepEqual(await provider.diff("u-1", olds, news), { changes: false });
  });

  it("ignores the user's status and lastSyncTime: drift found by refresh does not sync again", async () => {
    const drifted = { ...olds, status: "Disabled", markDeleted: true, lastSyncTime: "2030-01-01T00:00:00Z" };
    assert.deepEqual(await provider.diff("u-1", drifted, news), { changes: false });
  });

  it("the same user by userId is no change either", async () => {
    const byId = { userId: "u-1", searchUnsynched: false, triggers: news.triggers };
    assert.deepEqual(await provider.diff("u-1", olds, byId), { changes: false });
  });

  it("updates when a trigger value changes, is added or removed, or the list is reordered", async () => {
    for (const triggers of [
      ["v2", { source: "hr", rev: 1 }],
      [...news.triggers, 3],
      ["v1"],
      [news.triggers[1], "v1"],
    ]) {
      assert.deepEqual(
        await provider.diff("u-1", olds, { ...news, triggers }),
        { changes: true },
        JSON.stringify(triggers),
      );
    }
    assert.deepEqual(await provider.diff("u-1", olds, { email: news.email, searchUnsynched: false }), {
      changes: true,
    });
    assert.deepEqual(
      await provider.diff(
        "u-1",
        { ...olds, triggers: undefined },
        { email: news.email, searchUnsynched: false },
      ),
      {
        changes: false,
      },
    );
  });

  it("replaces the resource for another user (by email or by userId)", async () => {
    assert.deepEqual(await provider.diff("u-1", olds, { ...news, email: "john@example.com" }), {
      changes: true,
      replaces: ["email"],
      deleteBeforeReplace: false,
    });
    const other = await provider.diff("u-1", olds, {
      userId: "u-2",
      searchUnsynched: false,
      triggers: news.triggers,
    });
    assert.deepEqual(other.replaces, ["userId"]);
  });

  it("compares emails case-insensitively", async () => {
    assert.deepEqual(await provider.diff("u-1", olds, { ...news, email: "JANE.DOE@EXAMPLE.COM" }), {
      changes: false,
    });
  });

  it("plans a change while a trigger or the user is not known yet (preview)", async () => {
    assert.deepEqual(await provider.diff("u-1", olds, { ...news, triggers: UNKNOWN as never }), {
      changes: true,
    });
    assert.deepEqual(await provider.diff("u-1", olds, { ...news, triggers: ["v1", UNKNOWN] }), {
      changes: true,
    });
    assert.deepEqual((await provider.diff("u-1", olds, { ...news, email: UNKNOWN })).replaces, ["email"]);
  });

  it("an update without sync when only searchUnsynched changes", async () => {
    assert.deepEqual(await provider.diff("u-1", olds, { ...news, searchUnsynched: true }), { changes: true });
  });
});

describe("UserSync status comparison", () => {
  it("counts being marked for deletion as a change, in either way CAS shows it", () => {
    assert.equal(effectiveStatus({ userStatus: "Enabled", markDeleted: false }), "Enabled");
    assert.equal(effectiveStatus({ userStatus: "Disabled" }), "Disabled");
    assert.equal(effectiveStatus({ userStatus: "Enabled", markDeleted: true }), "Pending Deletion");
    assert.equal(effectiveStatus({ userStatus: "Pending Deletion", markDeleted: true }), "Pending Deletion");
    assert.equal(effectiveStatus({ userStatus: "Pending Deletion", markDeleted: null }), "Pending Deletion");
  });
});

describe("UserSync userId", () => {
  it("is trimmed, so surrounding spaces do not re-sync on every up", async () => {
    const result = await provider.check({}, { userId: "  f85b6e95-f41f  " });
    assert.equal(result.failures, undefined);
    assert.equal(result.inputs?.userId, "f85b6e95-f41f");
  });

  const refused: [string, string, RegExp][] = [
    ["a dot", ".", /userId cannot be "\."/],
    ["two dots", " .. ", /userId cannot be "\.\."/],
    ["a slash", "u-1/../admin", /userId cannot contain \/ or \\/],
    ["a control character", "u-\n1", /userId contains an invisible or control character/],
    [
      "a zero-width space",
      "u\u200b1",
      /userId contains an invisible or control character: .*got "u\\u200b1"/,
    ],
  ];
  for (const [what, userId, reason] of refused) {
    it(`refuses ${what}, naming the property and the fix`, async () => {
      const result = await provider.check({}, { userId });
      assert.equal(result.inputs, undefined);
      assert.equal(result.failures?.[0]?.property, "userId");
      assert.match(result.failures![0]!.reason, reason);
      assert.match(result.failures![0]!.reason, /set it to the id exactly/);
    });
  }
});
