import assert from "node:assert/strict";
import { NexusApi, nexusRequestAuth, type NexusAuth, type NexusSyncRequest } from "../../src/client/nexus";
import { createTransport } from "../../src/client/transport";
import { FakeClock, mockAgent } from "./helpers";

const ORIGIN = "https://nexus.example.com";
const BODY: NexusSyncRequest = {
  audience: "https://api.example.com",
  attributes: [{ key: "upn", value: "jane@corp.example" }],
  connection: { connectionId: "con_1", groups: ["staff"] },
  clientUpnKey: "upn",
};
const RESULT = {
  userId: "usr_1",
  givenName: "Jane",
  familyName: "Doe",
  displayName: "Jane Doe",
  isAuthenticated: false,
  roles: [{ id: "r1", name: "admin", expires: null, description: "x", extra: true }],
  user: { id: "usr_1", nested: { anything: [1] } },
};

function setup(auth: NexusAuth = { kind: "basic", username: "svc", password: "p@ss-w0rd!" }) {
  const clock = new FakeClock();
  const agent = mockAgent();
  const transport = createTransport({
    baseUrl: `${ORIGIN}/api`,
    auth: nexusRequestAuth(auth),
    service: "Nexus",
    configPrefix: "nexus",
    dispatcher: agent,
    now: clock.now,
    sleep: clock.sleep,
  });
  const intercept = (userId = "usr_1") =>
    agent.get(ORIGIN).intercept({ path: `/api/v1/users/${userId}/$sync`, method: "PUT" });
  return { nexus: new NexusApi(transport), intercept, calls: () => agent.getCallHistory()!.calls() };
}

const code = (c: string, pattern?: RegExp, secret?: string) => (err: Error & { code?: string }) => {
  assert.equal(err.code, c, err.message);
  if (pattern) assert.match(err.message, pattern);
  if (secret) assert.ok(!err.message.includes(secret));
  return true;
};

describe("client/nexus", () => {
  it("PUTs /v1/users/{id}/$sync with HTTP Basic", async () => {
    const { nexus, intercept, calls } = setup();
    intercept().reply(200, RESULT);
    const result = await nexus.syncUserIdentity("usr_1", BODY);
    assert.equal(result.displayName, "Jane Doe");
    assert.equal(result.roles![0].name, "admin");
    assert.deepEqual(result.user, RESULT.user);
    const call = calls()[0];
    assert.equal(call.path, "/api/v1/users/usr_1/$sync");
    assert.equal(call.headers!["authorization"], `Basic ${Buffer.from("svc:p@ss-w0rd!").toString("base64")}`);
    assert.deepEqual(JSON.parse(String(call.body)), BODY);
  });

  it("sends a bearer token with the application token header (default name or configured)", async () => {
    const a = setup({ kind: "bearer", bearerToken: "bt", applicationToken: "app" });
    a.intercept().reply(200, { ...RESULT, roles: null });
    assert.equal((await a.nexus.syncUserIdentity("usr_1", BODY)).roles, null);
    assert.equal(a.calls()[0].headers!["authorization"], "Bearer bt");
    assert.equal(a.calls()[0].headers!["applicationtoken"], "app");
    const b = setup({
      kind: "bearer",
      bearerToken: "bt",
      applicationToken: "app",
      applicationTokenHeader: "X-App-Token",
    });
    b.intercept("a%20b").reply(200, RESULT);
    await b.nexus.syncUserIdentity("a b", BODY);
    assert.equal(b.calls()[0].headers!["x-app-token"], "app");
  });

  it("validates the body before sending", async () => {
    const { nexus, calls } = setup();
    await assert.rejects(
      nexus.syncUserIdentity("usr_1", { ...BODY, audience: "" }),
      code("ERR_INVALID_INPUT", /audience/),
    );
    await assert.rejects(
      nexus.syncUserIdentity("usr_1", { ...BODY, clientUpnKey: "k".repeat(256) }),
      code("ERR_INVALID_INPUT", /clientUpnKey/),
    );
    await assert.rejects(
      nexus.syncUserIdentity("usr_1", { ...BODY, extra: 1 } as NexusSyncRequest),
      code("ERR_INVALID_INPUT", /extra/),
    );
    await assert.rejects(nexus.syncUserIdentity("", BODY), code("ERR_INVALID_INPUT", /user id is empty/));
    assert.equal(calls().length, 0);
  });

  it("maps problem documents: 404, 400 with its detail, 401 naming the settings", async () => {
    const { nexus, intercept } = setup();
    const problem = (status: number, detail: string) => ({
      type: "about:blank",
      title: "Error",
      status,
      detail,
      instance: "/v1",
    });
    intercept().reply(404, problem(404, "User usr_1 not found"));
    await assert.rejects(
      nexus.syncUserIdentity("usr_1", BODY),
      code("ERR_USER_NOT_FOUND", /no Nexus user has the id usr_1/),
    );
    intercept().reply(400, problem(400, "connectionId is unknown"));
    await assert.rejects(
      nexus.syncUserIdentity("usr_1", BODY),
      code("ERR_BAD_REQUEST", /connectionId is unknown/),
    );
    intercept().reply(401, problem(401, "Unauthorized"));
    await assert.rejects(
      nexus.syncUserIdentity("usr_1", BODY),
      code("ERR_AUTH_FAILED", /nexus:username and nexus:password/, "p@ss-w0rd!"),
    );
    const b = setup({ kind: "bearer", bearerToken: "secret-bt", applicationToken: "secret-app" });
    b.intercept().reply(403, problem(403, "Forbidden"));
    await assert.rejects(b.nexus.syncUserIdentity("usr_1", BODY), (err: Error & { code?: string }) => {
      assert.equal(err.code, "ERR_AUTH_FAILED");
      assert.match(err.message, /nexus:bearerToken.*nexus:applicationToken.*nexus:applicationTokenHeader/);
      assert.ok(!err.message.includes("secret-"));
      return true;
    });
  });
  it("reads an answer with fields of another type than documented: the sync was made, userId stays strict", async () => {
    const { nexus, intercept } = setup();
    intercept().reply(200, {
      userId: "usr_1",
      givenName: null,
      familyName: 42,
      isAuthenticated: "yes",
      roles: [{ id: 7, name: "admin" }],
    });
    const result = await nexus.syncUserIdentity("usr_1", BODY);
    assert.deepEqual(
      [result.givenName, result.familyName, result.displayName, result.isAuthenticated],
      ["", "", "", null],
    );
    assert.deepEqual(
      result.roles?.map((r) => [r.id, r.name]),
      [[null, "admin"]],
    );
    intercept().reply(200, { ...RESULT, roles: "admin" });
    assert.equal((await nexus.syncUserIdentity("usr_1", BODY)).roles, null);
    intercept().reply(200, { ...RESULT, userId: 1 });
    await assert.rejects(nexus.syncUserIdentity("usr_1", BODY), code("ERR_INVALID_RESPONSE", /userId/));
  });
});
