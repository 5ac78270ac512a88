/**
 * The client against the emulator over real HTTP: each API behaviour the documents describe, and the
 * error a help-desk admin sees for each status. Sleeps are real but short (small backoff via `sleep`).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  createCasClient,
  createNexusClient,
  resolveCasSettings,
  resolveNexusSettings,
  type CasClient,
} from "../../src/client";
import { startEmulator, type Emulator } from "../../src/emulator";
import type { SecurIdError } from "../../src/errors";

const fastSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, 5)));

function config(values: Record<string, string>) {
  return (key: string) => values[key];
}

async function rejectsWith(promise: Promise<unknown>, code: string, message: RegExp): Promise<SecurIdError> {
  try {
    await promise;
  } catch (err) {
    const e = err as SecurIdError;
    assert.equal(e.code, code, `code of: ${e.message}`);
    assert.match(e.message, message);
    assert.doesNotMatch(e.message, /Bearer|eyJ|BEGIN [A-Z ]*PRIVATE KEY/);
    return e;
  }
  assert.fail(`expected ${code}`);
}

describe("client against the emulator (integration)", function () {
  this.timeout(30_000);
  let emulator: Emulator;
  let work: string;
  let keyFile: string;
  let cas: CasClient;

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), "securid-int-"));
    emulator = await startEmulator({
      users: [
        { emailAddress: "j.doe@example.com", userStatus: "Enabled", smsNumber: "+15550101" },
        { emailAddress: "j.doe1@example.com", userStatus: "Enabled" },
        { emailAddress: "a.j.doe@example.com", userStatus: "Disabled" },
        { emailAddress: "pending@example.com", userStatus: "Disabled", markDeleted: true },
        { emailAddress: "synced-off@example.com", userStatus: "Disabled", disabledBySync: true },
        { emailAddress: "unsynced@example.com", userStatus: "Enabled", synchronized: false },
        { emailAddress: "leaver@example.com", userStatus: "Enabled", directoryStatus: "Disabled" },
      ],
      nexusUsers: [{ userId: "auth0|42", givenName: "Jane", familyName: "Doe", roles: ["Admin"] }],
    });
    keyFile = await emulator.writeKeyFile(work);
    cas = createCasClient(await resolveCasSettings(config({ "securid:apiKeyFile": keyFile }), {}), {
      sleep: fastSleep,
    });
  });

  after(async () => {
    await cas?.close();
    await emulator?.close();
    rmSync(work, { recursive: true, force: true });
  });

  beforeEach(() => {
    emulator.setFaults(undefined);
    emulator.setRateLimit(undefined);
  });

  describe("User Details (lookup)", () => {
    it("finds a user by email, case-insensitively, with the documented fields", async () => {
      const user = await cas.users.lookupUser("J.DOE@example.com");
      assert.equal(user.emailAddress, "j.doe@example.com");
      assert.equal(user.userStatus, "Enabled");
      assert.equal(user.markDeleted, false);
      assert.equal(user.smsNumber, "+15550101");
    });

    it("answers ERR_USER_NOT_FOUND for an unknown address", async () => {
      await rejectsWith(
        cas.users.lookupUser("nobody@example.com"),
        "ERR_USER_NOT_FOUND",
        /nobody@example\.com/,
      );
    });

    it("finds a user not yet synchronized only with searchUnsynched", async () => {
      await rejectsWith(cas.users.lookupUser("unsynced@example.com"), "ERR_USER_NOT_FOUND", /unsynced/);
      const user = await cas.users.lookupUser("unsynced@example.com", { searchUnsynched: true });
      assert.equal(user.emailAddress, "unsynced@example.com");
    });

    it("refuses an empty email before sending anything", async () => {
      const before = emulator.requests.length;
      await rejectsWith(cas.users.lookupUser(""), "ERR_INVALID_INPUT", /email/);
      assert.equal(emulator.requests.length, before);
    });
  });

  describe("User Search", () => {
    it("puts the exact match first, then sorts by email", async () => {
      const users = await cas.users.searchUsers("j.doe@example.com");
      assert.deepEqual(
        users.map((u) => u.emailAddress),
        ["j.doe@example.com", "a.j.doe@example.com"],
      );
    });

    it("reads the empty body of no match as an empty list", async () => {
      assert.deepEqual(await cas.users.searchUsers("no-such-fragment"), []);
      const last = emulator.requests.at(-1);
      assert.equal(last?.status, 200);
    });

    it("sends pageSize and refuses one out of 1..25 before sending", async () => {
      const users = await cas.users.searchUsers("doe", { pageSize: 1 });
      assert.equal(users.length, 1);
      assert.equal(emulator.requests.at(-1)?.query, "pageSize=1");
      const before = emulator.requests.length;
      await rejectsWith(cas.users.searchUsers("doe", { pageSize: 26 }), "ERR_INVALID_INPUT", /pageSize/);
      await rejectsWith(cas.users.searchUsers("doe", { pageSize: 0 }), "ERR_INVALID_INPUT", /pageSize/);
      assert.equal(emulator.requests.length, before);
    });
  });

  describe("User Status", () => {
    it("sets a status and returns the status after the change; setting it again is harmless", async () => {
      const user = await cas.users.lookupUser("j.doe1@example.com");
      assert.deepEqual(await cas.users.setUserStatus(user.id, "Disabled"), {
        id: user.id,
        userStatus: "Disabled",
      });
      assert.deepEqual(await cas.users.setUserStatus(user.id, "Disabled"), {
        id: user.id,
        userStatus: "Disabled",
      });
      assert.equal(emulator.getUser(user.id)?.userStatus, "Disabled");
    });

    it("explains a 409 on a user pending deletion", async () => {
      const user = await cas.users.lookupUser("pending@example.com");
      await rejectsWith(
        cas.users.setUserStatus(user.id, "Enabled", { email: user.emailAddress }),
        "ERR_PENDING_DELETION",
        /pending@example\.com.*pending deletion/s,
      );
    });

    it("explains a 409 on a user disabled by identity-source sync", async () => {
      const user = await cas.users.lookupUser("synced-off@example.com");
      const err = await rejectsWith(
        cas.users.setUserStatus(user.id, "Enabled", { email: user.emailAddress }),
        "ERR_DISABLED_BY_SYNC",
        /identity-source synchronization.*directory/s,
      );
      assert.equal(err.status, 409);
    });

    it("answers ERR_USER_NOT_FOUND for an unknown id", async () => {
      await rejectsWith(
        cas.users.setUserStatus("00000000-0000-0000-0000-000000000000", "Disabled"),
        "ERR_USER_NOT_FOUND",
        /00000000/,
      );
    });
  });

  describe("Synchronize User", () => {
    it("answers the whole user after the sync, as the directory has it", async () => {
      const user = await cas.users.lookupUser("leaver@example.com");
      const synced = await cas.users.syncUser(user.id, { email: user.emailAddress });
      assert.equal(synced.userStatus, "Disabled");
      assert.ok(synced.lastSyncTime);
      const entry = emulator.requests.at(-1);
      assert.equal(entry?.operation, "sync");
      assert.equal(entry?.status, 200, "the empty body with Content-Length: 0 is accepted");
    });
  });

  describe("transport behaviour", () => {
    it("retries 5xx answers and succeeds", async () => {
      emulator.setFaults({ errorRate: 1, seed: 1, operations: ["lookup"] });
      setTimeout(() => emulator.setFaults(undefined), 30);
      const user = await cas.users.lookupUser("j.doe@example.com");
      assert.equal(user.emailAddress, "j.doe@example.com");
      assert.ok(emulator.requests.some((r) => r.fault?.startsWith("error-")));
    });

    it("turns an HTML page from a proxy into ERR_INVALID_RESPONSE", async () => {
      emulator.setFaults({ garbageRate: 1, garbageKind: "html", seed: 2 });
      await rejectsWith(cas.users.lookupUser("j.doe@example.com"), "ERR_INVALID_RESPONSE", /HTML|html/);
    });

    it("turns wrong field types into ERR_INVALID_RESPONSE naming the field", async () => {
      emulator.setFaults({ garbageRate: 1, garbageKind: "wrong-types", seed: 3 });
      await rejectsWith(cas.users.lookupUser("j.doe@example.com"), "ERR_INVALID_RESPONSE", /id|userStatus/);
    });

    it("mints one legacy token for all these calls", () => {
      const authenticated = emulator.requests.filter((r) => r.api === "cas" && r.tokenId !== undefined);
      assert.ok(authenticated.length > 10);
      assert.equal(new Set(authenticated.map((r) => r.tokenId)).size, 1);
      assert.equal(cas.tokens.mintedCount, 1);
    });

    it("keeps retrying through 429s and reports ERR_RATE_LIMITED with a hint when they never stop", async () => {
      const limited = createCasClient(
        await resolveCasSettings(config({ "securid:apiKeyFile": keyFile, "securid:maxRetries": "2" }), {}),
        { sleep: fastSleep },
      );
      try {
        emulator.setRateLimit({ requestsPerSecond: 0.001, burst: 1 });
        await limited.users.lookupUser("j.doe@example.com").catch(() => undefined);
        await rejectsWith(
          limited.users.lookupUser("j.doe@example.com"),
          "ERR_RATE_LIMITED",
          /maxConcurrency|maxRequestsPerSecond/,
        );
      } finally {
        await limited.close();
      }
    });

    it("renews a refused token once and goes on", async () => {
      emulator.revokeTokens();
      const user = await cas.users.lookupUser("j.doe@example.com");
      assert.equal(user.emailAddress, "j.doe@example.com");
      assert.equal(cas.tokens.mintedCount, 2);
    });
  });

  describe("OAuth client", () => {
    for (const kind of ["RSA", "EC"] as const) {
      it(`gets an access token with a ${kind} JWK and uses it for every call`, async () => {
        const client = await emulator.addOAuthClient(kind);
        const jwkFile = path.join(work, `${kind}.jwk.json`);
        writeFileSync(jwkFile, JSON.stringify(client.privateJwk));
        const oauth = createCasClient(
          await resolveCasSettings(
            config({
              "securid:oauthIssuerUrl": client.issuerUrl,
              "securid:oauthClientId": client.clientId,
              "securid:oauthPrivateKeyFile": jwkFile,
              "securid:adminRestApiUrl": emulator.url,
            }),
            {},
          ),
          { sleep: fastSleep },
        );
        try {
          const issued = emulator.stats().tokensIssued;
          await oauth.users.lookupUser("j.doe@example.com");
          await oauth.users.searchUsers("doe");
          assert.equal(emulator.stats().tokensIssued, issued + 1);
        } finally {
          await oauth.close();
        }
      });
    }

    it("names the missing scope when the client lacks rsa.user.manage", async () => {
      const client = emulator.oauthClient;
      const oauth = createCasClient(
        await resolveCasSettings(
          config({
            "securid:oauthIssuerUrl": client.issuerUrl,
            "securid:oauthClientId": client.clientId,
            "securid:oauthPrivateKey": JSON.stringify(client.privateJwk),
            "securid:oauthScopes": "rsa.user.read",
            "securid:adminRestApiUrl": emulator.url,
          }),
          {},
        ),
        { sleep: fastSleep },
      );
      try {
        const user = await oauth.users.lookupUser("j.doe@example.com");
        await rejectsWith(
          oauth.users.setUserStatus(user.id, "Enabled"),
          "ERR_AUTH_FAILED",
          /rsa\.user\.manage/,
        );
      } finally {
        await oauth.close();
      }
    });
  });

  describe("Nexus SyncUserIdentity", () => {
    const body = {
      audience: "https://app.example.com",
      attributes: [
        { key: "upn", value: "jane@example.com" },
        { key: "given_name", value: "Jane" },
      ],
      connection: { connectionId: "con_1", groups: ["Sales"] },
      clientUpnKey: "upn",
    };

    it("syncs with Basic credentials and with a bearer plus application token", async () => {
      const creds = emulator.nexusCredentials;
      const modes: Record<string, string>[] = [
        { "nexus:username": creds.username, "nexus:password": creds.password },
        { "nexus:bearerToken": creds.bearerToken, "nexus:applicationToken": creds.applicationToken },
      ];
      for (const values of modes) {
        const nexus = createNexusClient(
          await resolveNexusSettings(config({ "nexus:baseUrl": emulator.nexusUrl, ...values }), {}),
          { sleep: fastSleep },
        );
        try {
          const result = await nexus.api.syncUserIdentity("auth0|42", body);
          assert.equal(result.userId, "auth0|42");
          assert.equal(result.givenName, "Jane");
        } finally {
          await nexus.close();
        }
      }
    });

    it("turns problem documents into clear errors: wrong password, unknown user", async () => {
      const creds = emulator.nexusCredentials;
      const wrong = createNexusClient(
        await resolveNexusSettings(
          config({
            "nexus:baseUrl": emulator.nexusUrl,
            "nexus:username": creds.username,
            "nexus:password": "nope",
          }),
          {},
        ),
        { sleep: fastSleep },
      );
      const right = createNexusClient(
        await resolveNexusSettings(
          config({
            "nexus:baseUrl": emulator.nexusUrl,
            "nexus:username": creds.username,
            "nexus:password": creds.password,
          }),
          {},
        ),
        { sleep: fastSleep },
      );
      try {
        const err = await rejectsWith(
          wrong.api.syncUserIdentity("auth0|42", body),
          "ERR_AUTH_FAILED",
          /nexus:password/,
        );
        assert.doesNotMatch(err.message, /nope/);
        await rejectsWith(
          right.api.syncUserIdentity("auth0|missing", body),
          "ERR_USER_NOT_FOUND",
          /auth0\|missing/,
        );
      } finally {
        await wrong.close();
        await right.close();
      }
    });
  });
});
