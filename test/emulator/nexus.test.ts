import assert from "node:assert/strict";
import { startEmulator, type Emulator } from "../../src/emulator";
import { jsonOf } from "./helpers";

describe("emulator: Nexus SyncUserIdentity", () => {
  let emulator: Emulator;
  const userId = "auth0|abc123";
  const body = {
    audience: "https://nexus.example.com",
    attributes: [
      { key: "given_name", value: "Justin" },
      { key: "family_name", value: "Buchanan" },
      { key: "upn", value: "justin@corp.example.com" },
      { key: "email", value: "justin@example.com" },
    ],
    connection: { connectionId: "con_123", groups: ["Admins", "Users"] },
    clientUpnKey: "upn",
  };

  before(async () => {
    emulator = await startEmulator({
      nexus: { username: "nx-user", password: "nx-pass", applicationTokenHeader: "X-Application-Token" },
    });
  });
  after(() => emulator.close());
  beforeEach(() => {
    emulator.seedNexusUsers([{ userId, givenName: "J", familyName: "B", roles: ["Admin"] }]);
  });

  const basic = () => `Basic ${Buffer.from("nx-user:nx-pass").toString("base64")}`;

  function sync(
    options: {
      id?: string;
      auth?: string;
      headers?: Record<string, string>;
      body?: unknown;
      raw?: string;
      dollar?: string;
    } = {},
  ) {
    const headers: Record<string, string> = { "content-type": "application/json", ...options.headers };
    if (options.auth !== "") headers.authorization = options.auth ?? basic();
    const id = encodeURIComponent(options.id ?? userId);
    return fetch(`${emulator.nexusUrl}/v1/users/${id}/${options.dollar ?? "$"}sync`, {
      method: "PUT",
      headers,
      body: options.raw ?? JSON.stringify(options.body ?? body),
    });
  }

  async function assertProblem(res: Response, status: number) {
    assert.equal(res.status, status);
    assert.match(res.headers.get("content-type")!, /^application\/problem\+json/);
    const doc = await jsonOf(res);
    assert.equal(doc.status, status);
    for (const field of ["type", "title", "detail", "instance"])
      assert.equal(typeof doc[field], "string", field);
    return doc;
  }

  it("syncs with Basic auth and answers the documented shape", async () => {
    const res = await sync();
    assert.equal(res.status, 200);
    const answer = await jsonOf(res);
    assert.equal(answer.userId, userId);
    assert.equal(answer.givenName, "Justin");
    assert.equal(answer.familyName, "Buchanan");
    assert.equal(answer.displayName, "Justin Buchanan");
    assert.equal(answer.isAuthenticated, true);
    assert.equal(answer.roles.length, 1);
    for (const field of ["id", "name", "expires", "description"])
      assert.equal(typeof answer.roles[0][field], "string");
    assert.equal(answer.user.id, userId);
    assert.equal(answer.user.emailAddress, "justin@example.com");
    assert.equal(answer.user.customUpns[0].customUpnValue, "justin@corp.example.com");
    assert.deepEqual(answer.user.identities[0].groups, ["Admins", "Users"]);

    const stored = emulator.getNexusUser(userId)!;
    assert.equal(stored.syncCount, 1);
    assert.equal(stored.upn, "justin@corp.example.com");
    assert.deepEqual(stored.lastSync, body);
  });

  it("accepts a bearer token with the application token header (any case), and %24sync", async () => {
    const creds = emulator.nexusCredentials;
    assert.equal(creds.applicationTokenHeader, "X-Application-Token");
    const res = await sync({
      auth: `Bearer ${creds.bearerToken}`,
      headers: { "x-application-token": creds.applicationToken },
      dollar: "%24",
    });
    assert.equal(res.status, 200);
    const entry = emulator.requests.at(-1)!;
    assert.equal(entry.operation, "nexusSync");
    assert.equal(entry.write, true);
    assert.equal(entry.userId, userId);
    assert.match(entry.tokenId!, /^[0-9a-f]{16}$/);
  });

  it("answers 401 without or with wrong credentials, 403 for a bearer without the application token", async () => {
    const creds = emulator.nexusCredentials;
    await assertProblem(await sync({ auth: "" }), 401);
    await assertProblem(
      await sync({ auth: `Basic ${Buffer.from("nx-user:wrong").toString("base64")}` }),
      401,
    );
    await assertProblem(
      await sync({ auth: "Bearer wrong", headers: { "x-application-token": creds.applicationToken } }),
      401,
    );
    await assertProblem(await sync({ auth: `Bearer ${creds.bearerToken}` }), 403);
    await assertProblem(
      await sync({ auth: `Bearer ${creds.bearerToken}`, headers: { "x-application-token": "no" } }),
      403,
    );
    assert.equal(emulator.getNexusUser(userId)!.syncCount, 0);
  });

  it("answers 400 problem documents for validation errors", async () => {
    const cases: [unknown, string][] = [
      [{ ...body, audience: "" }, "audience"],
      [{ ...body, audience: undefined }, "audience"],
      [{ ...body, attributes: undefined }, "attributes"],
      [{ ...body, attributes: [{ key: "", value: "x" }] }, "attributes[0].key"],
      [{ ...body, attributes: [{ key: "k", value: 1 }] }, "attributes[0].value"],
      [{ ...body, connection: undefined }, "connection"],
      [{ ...body, connection: { groups: [] } }, "connection.connectionId"],
      [{ ...body, connection: { connectionId: "c", groups: [1] } }, "connection.groups"],
      [{ ...body, clientUpnKey: "k".repeat(256) }, "clientUpnKey"],
      [[], "$"],
    ];
    for (const [bad, field] of cases) {
      const doc = await assertProblem(await sync({ body: bad }), 400);
      assert.equal(doc.type, "https://tools.ietf.org/html/rfc7231#section-6.5.1");
      assert.equal(doc.title, "One or more validation errors occurred.");
      assert.equal(doc.instance, `/v1/users/${encodeURIComponent(userId)}/$sync`);
      assert.ok(doc.detail.includes(field), `${field} in ${doc.detail}`);
      assert.ok(field in doc.errors, field);
    }
    await assertProblem(await sync({ raw: "{nope" }), 400);
    assert.equal((await sync({ body: { ...body, clientUpnKey: null } })).status, 200);
    assert.equal((await sync({ body: { ...body, clientUpnKey: undefined } })).status, 200);
  });

  it("answers 415 without JSON, 404 for an unknown user, 405 for another method", async () => {
    await assertProblem(await sync({ headers: { "content-type": "text/plain" } }), 415);
    const missing = await assertProblem(await sync({ id: "auth0|nobody" }), 404);
    assert.match(missing.detail, /auth0\|nobody/);
    const get = await fetch(`${emulator.nexusUrl}/v1/users/x/$sync`, { headers: { authorization: basic() } });
    await assertProblem(get, 405);
  });
});
