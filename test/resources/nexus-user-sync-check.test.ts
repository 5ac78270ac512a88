import assert from "node:assert/strict";
import { offlineContext } from "./contexts";
import { UNKNOWN } from "../../src/resources/inputs";
import { nexusUserSyncProvider, type NexusUserSyncOutputs } from "../../src/resources/nexus-user-sync";

const offline = offlineContext();
const provider = nexusUserSyncProvider(offline);

const SECRET = "jane.doe@corp.example.com";
const valid = {
  userId: "auth0|jane",
  audience: "https://api.example.com",
  attributes: [
    { key: "upn", value: SECRET },
    { key: "given_name", value: "Jane" },
  ],
  connection: { connectionId: "con_1", groups: ["Sales"] },
  clientUpnKey: "upn",
};

const olds: NexusUserSyncOutputs = {
  ...valid,
  displayName: "Jane Doe",
  givenName: "Jane",
  familyName: "Doe",
  isAuthenticated: true,
  roles: ["User"],
  upn: SECRET,
};

async function failureFor(news: Record<string, unknown>, property: string) {
  const result = await provider.check({}, news);
  assert.equal(result.inputs, undefined, "no inputs: the engine must not go on to create or update");
  const failure = result.failures?.find((f) => f.property === property);
  assert.ok(failure, `a failure for ${property}: ${JSON.stringify(result.failures)}`);
  assert.match(failure.reason, /^NexusUserSync: /);
  return failure.reason;
}

describe("NexusUserSync check", () => {
  it("passes valid inputs through, attributes in the order given", async () => {
    const result = await provider.check({}, valid);
    assert.equal(result.failures, undefined);
    assert.deepEqual(result.inputs, valid);
  });

  it("turns a map of attributes into a list sorted by key, and defaults groups to []", async () => {
    const result = await provider.check(
      {},
      {
        ...valid,
        attributes: { upn: SECRET, family_name: "Doe", "Given Name": "Jane", given_name: "Jane" },
        connection: { connectionId: "con_1" },
      },
    );
    assert.equal(result.failures, undefined);
    assert.deepEqual(result.inputs?.attributes, [
      { key: "Given Name", value: "Jane" },
      { key: "family_name", value: "Doe" },
      { key: "given_name", value: "Jane" },
      { key: "upn", value: SECRET },
    ]);
    assert.deepEqual(result.inputs?.connection, { connectionId: "con_1", groups: [] });
  });

  it("a map and the same list in key order are the same inputs (no diff between them)", async () => {
    const fromMap = await provider.check({}, { ...valid, attributes: { upn: SECRET, given_name: "Jane" } });
    const fromList = await provider.check(
      {},
      {
        ...valid,
        attributes: [
          { key: "given_name", value: "Jane" },
          { key: "upn", value: SECRET },
        ],
      },
    );
    assert.deepEqual(fromMap.inputs, fromList.inputs);
    const state = { ...olds, ...fromMap.inputs! };
    assert.deepEqual(await provider.diff("auth0|jane", state, fromList.inputs!), { changes: false });
  });

  it("clientUpnKey is optional; without it no attribute needs to be a UPN", async () => {
    const { clientUpnKey: _omitted, ...rest } = valid;
    const result = await provider.check({}, rest);
    assert.equal(result.failures, undefined);
    assert.equal(result.inputs?.clientUpnKey, undefined);
  });

  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ["a missing userId", { ...valid, userId: undefined }, "userId", /userId is required, e\.g\. "auth0\|/],
    [
      "an empty audience",
      { ...valid, audience: "" },
      "audience",
      /audience must be a non-empty string such as "https:\/\/api\.example\.com", got ""/,
    ],
    ["a missing audience", { ...valid, audience: undefined }, "audience", /audience is required/],
    [
      "missing attributes",
      { ...valid, attributes: undefined },
      "attributes",
      /attributes is required: the identity provider's claims, e\.g\. \[\{ key: "upn"/,
    ],
    [
      "attributes of the wrong type",
      { ...valid, attributes: "upn=jane" },
      "attributes",
      /attributes must be a list of \{key, value\} or a map of strings.*got a string/,
    ],
    [
      "an attribute without key",
      { ...valid, attributes: [{ value: "x" }] },
      "attributes",
      /attributes\[0\] must have a non-empty string key/,
    ],
    [
      "an attribute that is not an object",
      { ...valid, attributes: ["upn"] },
      "attributes",
      /attributes\[0\] must be an object/,
    ],
    [
      "a non-string attribute value in a list",
      {
        ...valid,
        attributes: [
          { key: "upn", value: SECRET },
          { key: "age", value: 42 },
        ],
      },
      "attributes",
      /attributes\[1\] \(key "age"\) must have a string value, got a number: convert it to a string/,
    ],
    [
      "a non-string attribute value in a map",
      { ...valid, attributes: { upn: SECRET, age: 42 } },
      "attributes",
      /attributes\.age \(key "age"\) must have a string value, got a number/,
    ],
    [
      "a duplicated attribute key",
      {
        ...valid,
        attributes: [
          { key: "upn", value: SECRET },
          { key: "upn", value: "x" },
        ],
      },
      "attributes",
      /attributes has the key "upn" twice: keep one/,
    ],
    [
      "an attribute with extra properties",
      { ...valid, attributes: [{ key: "upn", value: SECRET, name: "x" }] },
      "attributes",
      /attributes\[0\] has unknown properties name: only key and value are sent/,
    ],
    [
      "a missing connection",
      { ...valid, connection: undefined },
      "connection",
      /connection is required: an object such as \{ connectionId: "con_123", groups: \["Sales"\] \}/,
    ],
    [
      "a connection that is not an object",
      { ...valid, connection: "con_1" },
      "connection",
      /connection must be an object such as \{ connectionId: "con_123", groups: \["Sales"\] \}, got "con_1"/,
    ],
    [
      "a connection without id",
      { ...valid, connection: { groups: [] } },
      "connection.connectionId",
      /connection\.connectionId must be a non-empty string such as "con_123", got nothing/,
    ],
    [
      "groups that are not strings",
      { ...valid, connection: { connectionId: "c", groups: [1] } },
      "connection.groups",
      /connection\.groups must be a list of group names, e\.g\. \["Sales"\], got \[1\]/,
    ],
    [
      "a connection with extra properties",
      { ...valid, connection: { connectionId: "c", group: "x" } },
      "connection",
      /connection has unknown properties group: only connectionId and groups are sent/,
    ],
    [
      "a clientUpnKey naming no attribute",
      { ...valid, clientUpnKey: "email" },
      "clientUpnKey",
      /clientUpnKey "email" must name one of the attributes \("upn", "given_name"\): add that attribute or fix the key/,
    ],
    [
      "a clientUpnKey of a different case",
      { ...valid, clientUpnKey: "UPN" },
      "clientUpnKey",
      /clientUpnKey "UPN" must name one of the attributes/,
    ],
    [
      "a clientUpnKey with no attributes",
      { ...valid, attributes: [], clientUpnKey: "upn" },
      "clientUpnKey",
      /must name one of the attributes \(none given\)/,
    ],
    [
      "a clientUpnKey over 255 characters",
      { ...valid, clientUpnKey: "k".repeat(256), attributes: [{ key: "k".repeat(256), value: "x" }] },
      "clientUpnKey",
      /clientUpnKey must be at most 255 characters, got 256: shorten it/,
    ],
    [
      "an empty clientUpnKey",
      { ...valid, clientUpnKey: "" },
      "clientUpnKey",
      /clientUpnKey must be a non-empty string such as "upn", got ""/,
    ],
    [
      "triggers that are not a list",
      { ...valid, triggers: 3 },
      "triggers",
      /triggers must be a list of values/,
    ],
    [
      "a misspelt property",
      { ...valid, attribute: [] },
      "attribute",
      /unknown property "attribute": the properties are userId, audience, attributes, connection, clientUpnKey, triggers/,
    ],
  ];
  for (const [what, news, property, reason] of cases) {
    it(`names the property, the problem and the fix for ${what}`, async () => {
      assert.match(await failureFor(news, property), reason);
    });
  }

  it("accepts a clientUpnKey of exactly 255 characters", async () => {
    const key = "k".repeat(255);
    const result = await provider.check(
      {},
      { ...valid, clientUpnKey: key, attributes: [{ key, value: "x" }] },
    );
    assert.equal(result.failures, undefined);
  });

  it("never shows an attribute value in a failure", async () => {
    const bad = [
      {
        ...valid,
        attributes: [
          { key: "upn", value: SECRET },
          { key: "upn", value: SECRET },
        ],
      },
      { ...valid, attributes: [{ key: "upn", value: SECRET, extra: SECRET }] },
      { ...valid, attributes: SECRET },
      { ...valid, clientUpnKey: "nope" },
    ];
    for (const news of bad) {
      const result = await provider.check({}, news);
      assert.ok(result.failures?.length);
      assert.doesNotMatch(JSON.stringify(result.failures), /jane\.doe@corp/);
    }
  });

  it("accepts values not known yet during a preview, and defers clientUpnKey until the keys are known", async () => {
    for (const news of [
      { ...valid, userId: UNKNOWN, audience: UNKNOWN, attributes: UNKNOWN, connection: UNKNOWN },
      { ...valid, attributes: [{ key: "upn", value: UNKNOWN }] },
      { ...valid, attributes: [UNKNOWN], clientUpnKey: "upn" },
      { ...valid, attributes: { upn: UNKNOWN } },
      { ...valid, connection: { connectionId: UNKNOWN, groups: UNKNOWN } },
      { ...valid, clientUpnKey: UNKNOWN },
    ]) {
      const result = await provider.check({}, news);
      assert.equal(result.failures, undefined, JSON.stringify(result.failures));
    }
  });
});

describe("NexusUserSync diff", () => {
  const news = { ...valid };

  it("no change when every input is the same: changes is explicit", async () => {
    assert.deepEqual(await provider.diff("auth0|jane", olds, news), { changes: false });
  });

  it("ignores what Nexus answered (names, roles): only inputs trigger a sync", async () => {
    const answered = { ...olds, displayName: "Other", roles: ["Admin"], isAuthenticated: false };
    assert.deepEqual(await provider.diff("auth0|jane", answered, news), { changes: false });
  });

  const changes: [string, Record<string, unknown>][] = [
    ["the audience", { audience: "https://other.example.com" }],
    ["an attribute value", { attributes: [{ key: "upn", value: "x@corp" }, valid.attributes[1]] }],
    ["the attribute order", { attributes: [valid.attributes[1], valid.attributes[0]] }],
    ["an added attribute", { attributes: [...valid.attributes, { key: "email", value: "j@x" }] }],
    ["the groups", { connection: { connectionId: "con_1", groups: ["Sales", "Ops"] } }],
    ["the connection id", { connection: { connectionId: "con_2", groups: ["Sales"] } }],
    ["the clientUpnKey", { clientUpnKey: "given_name" }],
    ["a removed clientUpnKey", { clientUpnKey: undefined }],
    ["the triggers", { triggers: ["v2"] }],
    ["an unknown value (preview)", { audience: UNKNOWN }],
  ];
  for (const [what, patch] of changes) {
    it(`updates (one sync) when ${what} changes`, async () => {
      assert.deepEqual(await provider.diff("auth0|jane", olds, { ...news, ...patch } as never), {
        changes: true,
      });
    });
  }

  it("replaces the resource for another userId, or one not known yet", async () => {
    for (const userId of ["auth0|john", UNKNOWN]) {
      assert.deepEqual(await provider.diff("auth0|jane", olds, { ...news, userId }), {
        changes: true,
        replaces: ["userId"],
        deleteBeforeReplace: false,
      });
    }
  });
});
