import assert from "node:assert/strict";
import { startEmulator, type Emulator } from "../../src/emulator";
import { cas, jsonOf, legacyJwt } from "./helpers";

const DOCUMENTED_FIELDS = [
  "id",
  "emailAddress",
  "firstName",
  "lastName",
  "creationDate",
  "identitySource",
  "userStatus",
  "markDeleted",
  "highRiskUser",
  "markDeletedAt",
  "markDeletedBy",
  "smsNumber",
  "voiceNumber",
  "isTokenLocked",
  "isSmsLocked",
  "isVoiceLocked",
  "lastSyncTime",
  "emergencyAccessStatus",
  "emergencyTokencodeId",
  "emergencyTokencodeExpiration",
  "emergencyTokencodeLastUse",
  "offlineEmergencyAccessStatus",
  "offlineEmergencyTokencodeExpiration",
  "monthLastAuthenticated",
];

describe("emulator: CAS user calls", () => {
  let emulator: Emulator;
  let token: string;

  before(async () => {
    emulator = await startEmulator();
    token = await legacyJwt(emulator);
  });
  after(() => emulator.close());
  beforeEach(() => {
    for (const user of emulator.listUsers()) emulator.deleteUserOutOfBand(user.id);
    emulator.seedUsers([
      { id: "u-jane", emailAddress: "Jane.Doe@Example.com", firstName: "Jane", lastName: "Doe" },
      { id: "u-jdoe1", emailAddress: "j.doe1@example.com" },
      { id: "u-jdoe2", emailAddress: "j.doe2@example.com", userStatus: "Disabled" },
      { id: "u-jd", emailAddress: "j.doe@example.com" },
      { id: "u-pending", emailAddress: "pending@example.com", markDeleted: true, userStatus: "Disabled" },
      { id: "u-bysync", emailAddress: "bysync@example.com", disabledBySync: true },
      { id: "u-unsynced", emailAddress: "unsynced.doe@example.com", synchronized: false },
    ]);
  });

  const call = (path: string, options: Parameters<typeof cas>[2] = {}) =>
    cas(emulator, path, { token, ...options });

  describe("lookup", () => {
    it("answers the full user, email case-insensitive", async () => {
      const res = await call("lookup", { body: { email: "jane.doe@example.com", searchUnsynched: "false" } });
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type")!, /^application\/json/);
      const user = await jsonOf(res);
      assert.deepEqual(Object.keys(user).sort(), [...DOCUMENTED_FIELDS].sort());
      assert.equal(user.id, "u-jane");
      assert.equal(user.emailAddress, "Jane.Doe@Example.com");
      assert.equal(user.userStatus, "Enabled");
      assert.equal(user.markDeleted, false);
    });

    it("answers 404 for an unknown email", async () => {
      const res = await call("lookup", { body: { email: "nobody@example.com" } });
      assert.equal(res.status, 404);
      assert.deepEqual(await jsonOf(res), {
        code: "404 NOT_FOUND",
        description: "User nobody@example.com not found",
      });
    });

    it("answers 415 without a JSON content type", async () => {
      const res = await call("lookup", { raw: "email=jane.doe@example.com", contentType: "text/plain" });
      assert.equal(res.status, 415);
      assert.equal((await jsonOf(res)).code, "415 UNSUPPORTED_MEDIA_TYPE");
      assert.equal((await call("lookup", { raw: '{"email":"x"}', contentType: null })).status, 415);
    });

    it("answers 400 for a missing or blank email, a bad searchUnsynched, or a body that is not JSON", async () => {
      for (const body of [
        {},
        { email: "  " },
        { email: 42 },
        { email: "jane.doe@example.com", searchUnsynched: "maybe" },
      ]) {
        const res = await call("lookup", { body });
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal((await jsonOf(res)).code, "400 BAD_REQUEST");
      }
      assert.equal((await call("lookup", { raw: "{not json" })).status, 400);
    });

    it("finds an unsynchronized user only with searchUnsynched, which synchronizes it", async () => {
      assert.equal((await call("lookup", { body: { email: "unsynced.doe@example.com" } })).status, 404);
      assert.equal((await call("search", { body: { emailLike: "unsynced" } })).status, 200);
      const res = await call("lookup", {
        body: { email: "unsynced.doe@example.com", searchUnsynched: true },
      });
      assert.equal(res.status, 200);
      assert.equal(typeof (await jsonOf(res)).lastSyncTime, "string");
      assert.equal(emulator.getUser("u-unsynced")!.synchronized, true);
      assert.equal((await call("lookup", { body: { email: "unsynced.doe@example.com" } })).status, 200);
    });

    it("shows pending deletion as markDeleted by default", async () => {
      const user = await jsonOf(await call("lookup", { body: { email: "pending@example.com" } }));
      assert.equal(user.markDeleted, true);
      assert.equal(user.userStatus, "Disabled");
      assert.equal(typeof user.markDeletedAt, "string");
      assert.equal(typeof user.markDeletedBy, "string");
    });

    it("answers 405 for a wrong method and 404 for an unknown route", async () => {
      const wrong = await call("lookup", { method: "GET" });
      assert.equal(wrong.status, 405);
      assert.equal(wrong.headers.get("allow"), "POST");
      const unknown = await call("u-jane/devices", { method: "GET" });
      assert.equal(unknown.status, 404);
      assert.equal((await jsonOf(unknown)).code, "404 NOT_FOUND");
      const doubled = await fetch(`${emulator.url}v1/v1/users/lookup`, { method: "POST" });
      assert.equal(doubled.status, 404);
    });
  });

  describe("search", () => {
    it("puts the exact match first, then sorts by email; only synchronized users", async () => {
      const res = await call("search", { body: { emailLike: "J.DOE@example.com" } });
      assert.equal(res.status, 200);
      const emails = ((await jsonOf(res)) as { emailAddress: string }[]).map((u) => u.emailAddress);
      assert.deepEqual(emails, ["j.doe@example.com"]);
      const all = await jsonOf(await call("search", { body: { emailLike: "doe" } }));
      assert.deepEqual(
        all.map((u: { emailAddress: string }) => u.emailAddress),
        ["j.doe1@example.com", "j.doe2@example.com", "j.doe@example.com", "Jane.Doe@Example.com"],
      );
      const exactFirst = await jsonOf(await call("search", { body: { emailLike: "j.doe@example.com" } }));
      assert.equal(exactFirst[0].emailAddress, "j.doe@example.com");
    });

    it("sorts the exact match before the partial ones", async () => {
      emulator.seedUsers([{ emailAddress: "a.j.doe@example.com.au" }]);
      const found = await jsonOf(await call("search", { body: { emailLike: "j.doe@example.com" } }));
      assert.deepEqual(
        found.map((u: { emailAddress: string }) => u.emailAddress),
        ["j.doe@example.com", "a.j.doe@example.com.au"],
      );
    });

    it("honours pageSize 1..25 and refuses other values", async () => {
      const one = await jsonOf(await call("search?pageSize=1", { body: { emailLike: "doe" } }));
      assert.equal(one.length, 1);
      assert.equal((await call("search?pageSize=25", { body: { emailLike: "doe" } })).status, 200);
      for (const size of ["0", "26", "abc", "-1", ""]) {
        const res = await call(`search?pageSize=${size}`, { body: { emailLike: "doe" } });
        assert.equal(res.status, 400, size);
        assert.equal((await jsonOf(res)).code, "400 BAD_REQUEST");
      }
    });

    it("answers 400 for a missing or blank emailLike", async () => {
      assert.equal((await call("search", { body: {} })).status, 400);
      assert.equal((await call("search", { body: { emailLike: " " } })).status, 400);
    });

    it("answers 200 with an empty body when nothing matches", async () => {
      const res = await call("search", { body: { emailLike: "zzz" } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-length"), "0");
      assert.equal(await res.text(), "");
    });
  });

  describe("userStatus", () => {
    const put = (id: string, body: unknown, options = {}) =>
      call(`${id}/userStatus`, { method: "PUT", body, ...options });

    it("sets the status and answers the status after the change; idempotent", async () => {
      const res = await put("u-jane", { userStatus: "Disabled" });
      assert.equal(res.status, 200);
      assert.deepEqual(await jsonOf(res), { id: "u-jane", userStatus: "Disabled" });
      assert.equal(emulator.getUser("u-jane")!.userStatus, "Disabled");
      assert.deepEqual(await jsonOf(await put("u-jane", { userStatus: "Disabled" })), {
        id: "u-jane",
        userStatus: "Disabled",
      });
      assert.equal((await put("u-jdoe2", { userStatus: "Enabled" })).status, 200);
      assert.equal(emulator.getUser("u-jdoe2")!.userStatus, "Enabled");
    });

    it("answers 400 for an extra property, a wrong value or a missing status", async () => {
      for (const body of [
        { userStatus: "Enabled", email: "jane.doe@example.com" },
        { userStatus: "enabled" },
        { userStatus: "Pending Deletion" },
        {},
      ]) {
        const res = await put("u-jane", body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal((await jsonOf(res)).code, "400 BAD_REQUEST");
      }
      assert.equal(emulator.getUser("u-jane")!.userStatus, "Enabled");
    });

    it("answers 415 without JSON and 404 for an unknown or blank id", async () => {
      assert.equal(
        (await put("u-jane", { userStatus: "Disabled" }, { contentType: "text/plain" })).status,
        415,
      );
      const res = await put("nobody", { userStatus: "Disabled" });
      assert.equal(res.status, 404);
      assert.equal((await jsonOf(res)).code, "404 NOT_FOUND");
      assert.equal((await put("", { userStatus: "Disabled" })).status, 404);
    });

    it("answers 409 when enabling a user pending deletion", async () => {
      const res = await put("u-pending", { userStatus: "Enabled" });
      assert.equal(res.status, 409);
      const body = await jsonOf(res);
      assert.equal(body.code, "409 CONFLICT");
      assert.match(body.description, /pending deletion/);
      assert.equal((await put("u-pending", { userStatus: "Disabled" })).status, 200);
    });

    it("answers 409 when enabling a user disabled by synchronization", async () => {
      const res = await put("u-bysync", { userStatus: "Enabled" });
      assert.equal(res.status, 409);
      assert.match((await jsonOf(res)).description, /disabled by synchronization/);
      assert.equal(emulator.getUser("u-bysync")!.userStatus, "Disabled");
    });
  });

  describe("sync", () => {
    it("requires an empty body and a known id", async () => {
      assert.equal((await call("u-jane/sync", { raw: "{}" })).status, 400);
      assert.equal((await call("nobody/sync")).status, 404);
    });

    it("updates lastSyncTime and leaves a user without directory status alone", async () => {
      emulator.updateUserOutOfBand("u-jane", { lastSyncTime: "2020-01-01T00:00:00.000Z" });
      const res = await call("u-jane/sync");
      assert.equal(res.status, 200);
      const user = await jsonOf(res);
      assert.deepEqual(Object.keys(user).sort(), [...DOCUMENTED_FIELDS].sort());
      assert.notEqual(user.lastSyncTime, "2020-01-01T00:00:00.000Z");
      assert.equal(user.userStatus, "Enabled");
    });

    it("applies directoryStatus Disabled: disabled by sync, then enabling is a 409", async () => {
      emulator.updateUserOutOfBand("jane.doe@example.com", { directoryStatus: "Disabled" });
      const user = await jsonOf(await call("u-jane/sync"));
      assert.equal(user.userStatus, "Disabled");
      assert.equal(emulator.getUser("u-jane")!.disabledBySync, true);
      const res = await call("u-jane/userStatus", { method: "PUT", body: { userStatus: "Enabled" } });
      assert.equal(res.status, 409);
    });

    it("applies directoryStatus Deleted: marked for deletion by the sync", async () => {
      emulator.updateUserOutOfBand("u-jane", { directoryStatus: "Deleted" });
      const user = await jsonOf(await call("u-jane/sync"));
      assert.equal(user.markDeleted, true);
      assert.equal(user.markDeletedBy, "Identity Source Sync");
      assert.equal(typeof user.markDeletedAt, "string");
    });

    it("does not re-enable a user on directoryStatus Enabled", async () => {
      emulator.updateUserOutOfBand("u-jdoe2", { directoryStatus: "Enabled" });
      assert.equal((await jsonOf(await call("u-jdoe2/sync"))).userStatus, "Disabled");
    });
  });

  it("answers userStatus 'Pending Deletion' with pendingDeletionStyle userStatus", async () => {
    const other = await startEmulator({
      pendingDeletionStyle: "userStatus",
      users: [{ emailAddress: "p@example.com", markDeleted: true }],
    });
    try {
      const res = await cas(other, "lookup", {
        token: await legacyJwt(other),
        body: { email: "p@example.com" },
      });
      const user = await jsonOf(res);
      assert.equal(user.userStatus, "Pending Deletion");
      assert.equal(user.markDeleted, true);
    } finally {
      await other.close();
    }
  });
});
