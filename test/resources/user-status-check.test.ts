import assert from "node:assert/strict";
import { offlineContext } from "./contexts";
import { resetDeploymentClaims } from "../../src/resources/deployment-claims";
import { UNKNOWN } from "../../src/resources/inputs";
import { userStatusProvider, type UserStatusOutputs } from "../../src/resources/user-status";

const offline = offlineContext();
const provider = userStatusProvider(offline);

const olds: UserStatusOutputs = {
  userId: "u-1",
  email: "Jane.Doe@example.com",
  status: "Enabled",
  previousStatus: "Enabled",
  markDeleted: false,
  identitySource: "AD",
  firstName: "Jane",
  lastName: "Doe",
  lastSyncTime: null,
  smsNumber: null,
  voiceNumber: null,
  searchUnsynched: false,
  onDelete: "keep",
  exists: true,
  ifMissing: "fail",
};

describe("UserStatus check", () => {
  it("normalises valid inputs and fills the defaults", async () => {
    const result = await provider.check({}, { email: " jane.doe@example.com ", status: "Disabled" });
    assert.deepEqual(result.failures, undefined);
    assert.deepEqual(result.inputs, {
      email: "jane.doe@example.com",
      status: "Disabled",
      searchUnsynched: false,
      onDelete: "keep",
      ifMissing: "fail",
    });
  });

  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    [
      "a lowercase status",
      { email: "a@example.com", status: "disabled" },
      "status",
      /status must be "Enabled" or "Disabled", got "disabled" \(values are case-sensitive: use "Disabled"\)/,
    ],
    [
      "an unknown status",
      { email: "a@example.com", status: "Locked" },
      "status",
      /status must be "Enabled" or "Disabled", got "Locked"/,
    ],
    [
      "a missing status",
      { email: "a@example.com" },
      "status",
      /status is required: set it to "Enabled" or "Disabled"/,
    ],
    [
      "a missing email",
      { status: "Enabled" },
      "email",
      /email is required: set it to the user's email address/,
    ],
    [
      "an email without @",
      { email: "jane.doe", status: "Enabled" },
      "email",
      /email must be an email address such as "jane.doe@example.com", got "jane.doe"/,
    ],
    ["a numeric email", { email: 42, status: "Enabled" }, "email", /got 42/],
    [
      "a bad onDelete",
      { email: "a@example.com", status: "Enabled", onDelete: "delete" },
      "onDelete",
      /onDelete must be "keep" or "restore", got "delete"/,
    ],
    [
      "a non-boolean searchUnsynched",
      { email: "a@example.com", status: "Enabled", searchUnsynched: "true" },
      "searchUnsynched",
      /searchUnsynched must be true or false, got "true"/,
    ],
    [
      "a misspelt property",
      { email: "a@example.com", status: "Enabled", stauts: "Disabled" },
      "stauts",
      /unknown property "stauts": the properties are email, status, searchUnsynched, onDelete, ifMissing/,
    ],
  ];
  for (const [what, news, property, reason] of cases) {
    it(`names the property, the problem and the fix for ${what}`, async () => {
      const result = await provider.check({}, news);
      assert.equal(result.inputs, undefined, "no inputs: the engine must not go on to create or update");
      const failure = result.failures?.find((f) => f.property === property);
      assert.ok(failure, `a failure for ${property}: ${JSON.stringify(result.failures)}`);
      assert.match(failure.reason, /^UserStatus: /);
      assert.match(failure.reason, reason);
    });
  }

  it("reports every bad property at once", async () => {
    const result = await provider.check({}, { email: "", status: "on" });
    assert.deepEqual(result.failures?.map((f) => f.property).sort(), ["email", "status"]);
  });

  it("accepts values not known yet during a preview", async () => {
    const result = await provider.check({}, { email: UNKNOWN, status: UNKNOWN });
    assert.equal(result.failures, undefined);
  });
});

describe("UserStatus diff", () => {
  const news = {
    email: "jane.doe@example.com",
    status: "Enabled" as const,
    searchUnsynched: false,
    onDelete: "keep" as const,
    ifMissing: "fail" as const,
  };
  const same = { changes: false, replaces: [], deleteBeforeReplace: false };
  const update = { changes: true, replaces: [], deleteBeforeReplace: false };
  beforeEach(() => resetDeploymentClaims());

  it("reports no change when the observed status is the desired one, with changes set explicitly", async () => {
    assert.deepEqual(await provider.diff("u-1", olds, news), same);
  });

  it("compares emails case-insensitively", async () => {
    assert.deepEqual(await provider.diff("u-1", olds, { ...news, email: "JANE.DOE@EXAMPLE.COM" }), same);
  });

  it("replaces the resource when the email changes", async () => {
    const diff = await provider.diff("u-1", olds, { ...news, email: "john@example.com" });
    assert.deepEqual(diff, { changes: true, replaces: ["email"], deleteBeforeReplace: false });
  });

  it("updates when the desired status differs from the last observed one (drift found by refresh)", async () => {
    assert.deepEqual(await provider.diff("u-1", { ...olds, status: "Disabled" }, news), update);
  });

  it("treats a user pending deletion as already Disabled", async () => {
    const pending = { ...olds, status: "Enabled", markDeleted: true };
    assert.deepEqual(await provider.diff("u-1", pending, { ...news, status: "Disabled" }), same);
    const reported = { ...olds, status: "Pending Deletion", markDeleted: false };
    assert.deepEqual(await provider.diff("u-1", reported, { ...news, status: "Disabled" }), same);
  });

  it("treats a user CAS deleted as already Disabled, and plans an update (that fails) for Enabled", async () => {
    const gone = { ...olds, status: "Absent", exists: false };
    assert.deepEqual(await provider.diff("u-1", gone, { ...news, status: "Disabled" }), same);
    assert.deepEqual(await provider.diff("u-1", gone, news), update);
  });

  it("updates (without any request) when only onDelete or ifMissing changes", async () => {
    assert.deepEqual(await provider.diff("u-1", olds, { ...news, onDelete: "restore" }), update);
    assert.deepEqual(await provider.diff("u-1", olds, { ...news, ifMissing: "ignore" }), update);
  });

  it("reads a state written before ifMissing and exists existed as fail and present", async () => {
    const { exists: _e, ifMissing: _i, ...older } = olds;
    assert.deepEqual(await provider.diff("u-1", older as typeof olds, news), same);
  });

  it("shows an update, not a replacement, when the email is not known yet (most often it stays the same)", async () => {
    assert.deepEqual(await provider.diff("u-1", olds, { ...news, email: UNKNOWN }), update);
  });

  it("fails when two addresses of the stack resolve to one CAS user", async () => {
    await provider.diff("u-1", olds, news);
    await assert.rejects(
      provider.diff("u-1", { ...olds, email: "jd@example.com" }, { ...news, email: "jd@example.com" }),
      {
        code: "ERR_INVALID_INPUT",
        message: /for jane\.doe@example\.com and for jd@example\.com both manage CAS user u-1/,
      },
    );
  });
});

describe("UserStatus email", () => {
  const refused: [string, string, RegExp][] = [
    [
      "a zero-width space",
      "jane\u200b@example.com",
      /contains an invisible or control character \(U\+200B\) at position 5/,
    ],
    ["a newline inside", "jane@exa\nmple.com", /contains an invisible or control character \(U\+000A\)/],
    ["a right-to-left override", "\u202ejane@example.com", /\(U\+202E\)/],
    [
      "321 characters",
      `${"a".repeat(309)}@example.com`,
      /is 321 characters long; an email address has at most 320/,
    ],
  ];
  for (const [what, email, reason] of refused) {
    it(`refuses ${what} and echoes it escaped and cut short`, async () => {
      const result = await provider.check({}, { email, status: "Disabled" });
      assert.equal(result.inputs, undefined);
      const failure = result.failures?.find((f) => f.property === "email");
      assert.match(failure!.reason, reason);
      assert.doesNotMatch(failure!.reason, /[\u200b\u202e\n]/, "no hidden character in the message itself");
      assert.ok(failure!.reason.length < 300, `a short message: ${failure!.reason.length} characters`);
    });
  }

  it("cuts echoed values short: a secret pasted into the wrong input is not printed whole", async () => {
    const pasted = `-----BEGIN RSA PRIVATE KEY-----${"MIIEowIBAAKCAQEA".repeat(20)}`;
    const result = await provider.check({}, { email: pasted, status: "Disabled" });
    const reason = result.failures!.find((f) => f.property === "email")!.reason;
    assert.ok(!reason.includes(pasted.slice(60, 120)), reason);
    assert.match(reason, /\.\.\./);
  });
});
