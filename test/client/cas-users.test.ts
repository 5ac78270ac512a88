import assert from "node:assert/strict";
import { CasUsersApi } from "../../src/client/cas-users";
import { bearerTokenAuth } from "../../src/client/request-auth";
import { createTransport } from "../../src/client/transport";
import { BASE, BASE_URL, CountingTokens, FakeClock, mockAgent, USER } from "./helpers";

const P = "/AdminInterface/restapi/v1/users";

function setup() {
  const clock = new FakeClock();
  const agent = mockAgent();
  const transport = createTransport({
    baseUrl: BASE_URL,
    auth: bearerTokenAuth(new CountingTokens(), () => "Check the key."),
    service: "CAS",
    configPrefix: "securid",
    dispatcher: agent,
    now: clock.now,
    sleep: clock.sleep,
  });
  const pool = agent.get(BASE);
  const calls = () => agent.getCallHistory()!.calls();
  return { users: new CasUsersApi(transport), pool, calls };
}

const code = (c: string, pattern?: RegExp) => (err: Error & { code?: string }) => {
  assert.equal(err.code, c, err.message);
  if (pattern) assert.match(err.message, pattern);
  return true;
};

describe("client/cas-users", () => {
  it("looks a user up by email", async () => {
    const { users, pool, calls } = setup();
    const { markDeleted: _m, ...withoutMarkDeleted } = USER;
    pool
      .intercept({ path: `${P}/lookup`, method: "POST" })
      .reply(200, { ...withoutMarkDeleted, somethingNew: { a: 1 } });
    const user = await users.lookupUser(" user.one@mycompany.com ", { searchUnsynched: true });
    assert.equal(user.id, USER.id);
    assert.equal(user.userStatus, "Enabled");
    assert.equal(user.markDeleted, false);
    assert.equal(user.markDeletedAt, null);
    assert.equal("somethingNew" in user, false);
    assert.deepEqual(JSON.parse(String(calls()[0].body)), {
      email: "user.one@mycompany.com",
      searchUnsynched: true,
    });
  });

  it("reports a missing user with the address and a hint", async () => {
    const { users, pool } = setup();
    pool
      .intercept({ path: `${P}/lookup`, method: "POST" })
      .reply(404, { code: "404 NOT_FOUND", description: "User not found" });
    await assert.rejects(
      users.lookupUser("nobody@mycompany.com"),
      code(
        "ERR_USER_NOT_FOUND",
        /^Cannot look up CAS user nobody@mycompany.com: no CAS user has the email nobody@mycompany.com\. .*searchUnsynched: true/,
      ),
    );
  });

  it("refuses bad inputs before sending anything", async () => {
    const { users, calls } = setup();
    await assert.rejects(users.lookupUser(""), code("ERR_INVALID_INPUT", /email address is empty/));
    await assert.rejects(
      users.lookupUser("not an email"),
      code("ERR_INVALID_INPUT", /is not an email address/),
    );
    await assert.rejects(users.searchUsers("  "), code("ERR_INVALID_INPUT", /emailLike is empty/));
    for (const pageSize of [0, 26, 2.5]) {
      await assert.rejects(
        users.searchUsers("a", { pageSize }),
        code("ERR_INVALID_INPUT", /expected an integer from 1 to 25/),
      );
    }
    await assert.rejects(users.setUserStatus("", "Enabled"), code("ERR_INVALID_INPUT", /user id is empty/));
    await assert.rejects(
      users.setUserStatus("u1", "enabled" as "Enabled"),
      code("ERR_INVALID_INPUT", /expected "Enabled" or "Disabled"/),
    );
    await assert.rejects(users.syncUser(" "), code("ERR_INVALID_INPUT"));
    assert.equal(calls().length, 0);
  });

  it("searches with pageSize, and reads an empty body as no match", async () => {
    const { users, pool, calls } = setup();
    pool
      .intercept({ path: `${P}/search?pageSize=10`, method: "POST" })
      .reply(200, [USER, { ...USER, id: "u2" }]);
    pool.intercept({ path: `${P}/search?pageSize=25`, method: "POST" }).reply(200, "");
    assert.deepEqual(
      (await users.searchUsers("user", { pageSize: 10 })).map((u) => u.id),
      [USER.id, "u2"],
    );
    assert.deepEqual(JSON.parse(String(calls()[0].body)), { emailLike: "user" });
    assert.deepEqual(await users.searchUsers("nobody"), []);
  });

  it("sets a status with exactly {userStatus}, on an encoded path", async () => {
    const { users, pool, calls } = setup();
    pool
      .intercept({ path: `${P}/a%2Fb%20c/userStatus`, method: "PUT" })
      .reply(200, { id: "a/b c", userStatus: "Disabled" });
    assert.deepEqual(await users.setUserStatus("a/b c", "Disabled"), { id: "a/b c", userStatus: "Disabled" });
    assert.equal(calls()[0].body, '{"userStatus":"Disabled"}');
  });

  it("explains a 409 on enabling: pending deletion, disabled by sync, or either", async () => {
    const { users, pool } = setup();
    const reply = (description: string) =>
      pool
        .intercept({ path: `${P}/u1/userStatus`, method: "PUT" })
        .reply(409, { code: "409 CONFLICT", description });
    reply("Cannot enable user in pending delete state");
    await assert.rejects(
      users.setUserStatus("u1", "Enabled", { email: "a@b.c" }),
      code("ERR_PENDING_DELETION", /^Cannot set CAS user a@b.c to Enabled: user a@b.c is pending deletion/),
    );
    reply("User was disabled by synchronization");
    await assert.rejects(
      users.setUserStatus("u1", "Enabled", { email: "a@b.c" }),
      code("ERR_DISABLED_BY_SYNC", /run a sync|synchronize the user/),
    );
    reply("Conflict");
    await assert.rejects(users.setUserStatus("u1", "Enabled"), code("ERR_CONFLICT", /u1/));
    reply("User was disabled by synchronization");
    await assert.rejects(users.setUserStatus("u1", "Disabled"), code("ERR_CONFLICT"));
  });

  it("synchronizes with an empty body and Content-Length: 0", async () => {
    const { users, pool, calls } = setup();
    pool
      .intercept({ path: `${P}/u1/sync`, method: "POST" })
      .reply(200, { ...USER, id: "u1", userStatus: "Disabled", markDeleted: true });
    const user = await users.syncUser("u1", { email: "a@b.c" });
    assert.equal(user.userStatus, "Disabled");
    assert.equal(user.markDeleted, true);
    const call = calls()[0];
    assert.equal(call.headers!["content-length"], "0");
    assert.equal(call.headers!["content-type"], undefined);
    assert.ok(!call.body);
  });

  it("reports a missing user on sync by id", async () => {
    const { users, pool } = setup();
    pool
      .intercept({ path: `${P}/u1/sync`, method: "POST" })
      .reply(404, { code: "404 NOT_FOUND", description: "User not found" });
    await assert.rejects(
      users.syncUser("u1", { email: "a@b.c" }),
      code("ERR_USER_NOT_FOUND", /no CAS user has the id u1/),
    );
  });
  describe("fields no call decides on are read leniently", () => {
    const lookup = (answer: unknown) => {
      const { users, pool } = setup();
      pool.intercept({ path: `${P}/lookup`, method: "POST" }).reply(200, answer as object);
      return users.lookupUser("user.one@mycompany.com");
    };

    it("a value of another type reads as null instead of failing the call", async () => {
      const user = await lookup({
        ...USER,
        firstName: 42,
        lastName: ["One"],
        identitySource: { name: "AD" },
        creationDate: 1535742630045,
        lastSyncTime: true,
        markDeletedAt: 0,
        markDeletedBy: {},
        smsNumber: 11235556799,
        voiceNumber: false,
        highRiskUser: "false",
        isTokenLocked: "no",
        isSmsLocked: 0,
        isVoiceLocked: "N",
        emergencyAccessStatus: 3,
        monthLastAuthenticated: [],
      });
      assert.equal(user.id, USER.id);
      assert.equal(user.emailAddress, USER.emailAddress);
      assert.equal(user.userStatus, "Enabled");
      assert.equal(user.markDeleted, false);
      for (const field of [
        "firstName",
        "lastName",
        "identitySource",
        "creationDate",
        "lastSyncTime",
        "markDeletedAt",
        "markDeletedBy",
        "smsNumber",
        "voiceNumber",
        "highRiskUser",
        "isTokenLocked",
        "isSmsLocked",
        "isVoiceLocked",
        "emergencyAccessStatus",
        "monthLastAuthenticated",
      ] as const) {
        assert.equal(user[field], null, field);
      }
      // well-typed values are kept
      const plain = await lookup({ ...USER, isTokenLocked: true });
      assert.equal(plain.firstName, "User");
      assert.equal(plain.isTokenLocked, true);
      assert.equal(plain.smsNumber, USER.smsNumber);
    });

    const strict: [string, unknown][] = [
      ["id", 12345],
      ["emailAddress", null],
      ["userStatus", 42],
      ["markDeleted", "no"],
    ];
    for (const [field, value] of strict) {
      it(`a mistyped ${field} still fails with ERR_INVALID_RESPONSE naming it`, async () => {
        await assert.rejects(
          lookup({ ...USER, [field]: value }),
          code(
            "ERR_INVALID_RESPONSE",
            new RegExp(
              `^Cannot look up CAS user user.one@mycompany.com: CAS's answer is not what this provider expects: ${field}: `,
            ),
          ),
        );
      });
    }

    it("search names the mistyped field of the user in the list, and still takes a single object", async () => {
      const { users, pool } = setup();
      const search = pool.intercept({ path: `${P}/search?pageSize=25`, method: "POST" });
      search.reply(200, [USER, { ...USER, id: "u2", userStatus: 42, highRiskUser: "x" }]);
      await assert.rejects(
        users.searchUsers("mycompany"),
        code("ERR_INVALID_RESPONSE", /expects: 1\.userStatus: /),
      );
      pool
        .intercept({ path: `${P}/search?pageSize=25`, method: "POST" })
        .reply(200, { ...USER, highRiskUser: "x" });
      const found = await users.searchUsers("mycompany");
      assert.deepEqual(
        found.map((u) => [u.id, u.highRiskUser]),
        [[USER.id, null]],
      );
    });
  });
});
