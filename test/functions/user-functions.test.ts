/**
 * getUser / searchUsers (and their Output forms) in the test process, as a Pulumi program runs them:
 * credentials from the stack config (`pulumi.runtime.setConfig`, what the language host fills from
 * the stack) or from SECURID_* variables, requests counted in the emulator's log.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { resetClients } from "../../src/client";
import { startEmulator, type Emulator, type RequestLogEntry } from "../../src/emulator";
import { getUser, getUserOutput, searchUsers, searchUsersOutput, type SecurIdUser } from "../../src";

/**
 * The value of an Output in a process without an engine. `apply` runs as in a program, but an
 * Output has no public way to surface a rejection: the SDK's internal `promise()` does (the runtime
 * of a real program awaits it the same way). `isKnown`/`isSecret` reject too when the callback
 * fails: observed here, as the runtime would, so that no unhandled rejection escapes.
 */
async function settle<T>(output: pulumi.Output<T>): Promise<{ value: T | undefined; known: boolean }> {
  const o = output as unknown as {
    promise(): Promise<T>;
    isKnown: Promise<boolean>;
    isSecret: Promise<boolean>;
  };
  o.isSecret.catch(() => undefined);
  const known = o.isKnown.catch(() => false);
  const value = await o.promise();
  return { value, known: await known };
}

describe("getUser and searchUsers against the emulator", () => {
  let emulator: Emulator;
  let work: string;
  let keyFile: string;
  const savedEnv = { ...process.env };

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), "securid-functions-"));
    emulator = await startEmulator({
      users: [
        {
          id: "u-ada",
          emailAddress: "Ada.Lovelace@example.com",
          firstName: "Ada",
          lastName: "Lovelace",
          identitySource: "Corp AD",
          userStatus: "Enabled",
          smsNumber: "+15550100",
        },
        { id: "u-ann", emailAddress: "ann@team.example.com", userStatus: "Disabled", markDeleted: true },
        { id: "u-bo", emailAddress: "bo@team.example.com" },
        { id: "u-cat", emailAddress: "team.example.com@other.example" },
        { id: "u-team", emailAddress: "cy@team.example.com" },
        { id: "u-new", emailAddress: "new.hire@example.com", synchronized: false },
      ],
    });
    keyFile = await emulator.writeKeyFile(work);
  });

  beforeEach(() => {
    for (const k of Object.keys(process.env)) if (k.startsWith("SECURID_")) delete process.env[k];
    pulumi.runtime.setAllConfig({});
    pulumi.runtime.setConfig("securid:apiKeyFile", keyFile);
  });

  after(async () => {
    pulumi.runtime.setAllConfig({});
    for (const k of Object.keys(process.env)) if (k.startsWith("SECURID_")) delete process.env[k];
    Object.assign(process.env, savedEnv);
    await resetClients();
    await emulator.close();
    rmSync(work, { recursive: true, force: true });
  });

  async function sent<T>(action: () => Promise<T>): Promise<{ result: T; requests: RequestLogEntry[] }> {
    const before = emulator.requests.length;
    const result = await action();
    return { result, requests: emulator.requests.slice(before) };
  }

  const ops = (requests: RequestLogEntry[]) => requests.map((r) => r.operation);

  const ada: SecurIdUser = {
    userId: "u-ada",
    email: "Ada.Lovelace@example.com",
    status: "Enabled",
    markDeleted: false,
    identitySource: "Corp AD",
    firstName: "Ada",
    lastName: "Lovelace",
    lastSyncTime: "",
  };

  describe("getUser", () => {
    it("finds a user by email with one lookup, with the UserStatus output names (and no phone numbers)", async () => {
      const { result, requests } = await sent(() => getUser({ email: "ada.lovelace@EXAMPLE.com" }));
      assert.deepEqual(ops(requests), ["lookup"]);
      assert.deepEqual(result, { ...ada, lastSyncTime: emulator.getUser("u-ada")!.lastSyncTime });
    });

    it("reports a user pending deletion", async () => {
      const user = await getUser({ email: "ann@team.example.com" });
      assert.equal(user.status, "Disabled");
      assert.equal(user.markDeleted, true);
    });

    it("a user CAS does not know is ERR_USER_NOT_FOUND, suggesting searchUnsynched; with it the user is found", async () => {
      await assert.rejects(getUser({ email: "new.hire@example.com" }), (err: Error & { code?: string }) => {
        assert.equal(err.code, "ERR_USER_NOT_FOUND");
        assert.match(err.message, /no CAS user has the email new\.hire@example\.com/);
        assert.match(err.message, /searchUnsynched: true/);
        return true;
      });
      const found = await getUser({ email: "new.hire@example.com", searchUnsynched: true });
      assert.equal(found.userId, "u-new");
    });

    it("a bad email is ERR_INVALID_INPUT, before anything is read or sent", async () => {
      pulumi.runtime.setAllConfig({});
      for (const email of ["not-an-address", "", "  ", 42 as unknown as string]) {
        const { requests } = await sent(() =>
          assert.rejects(getUser({ email }), (err: Error & { code?: string }) => {
            assert.equal(err.code, "ERR_INVALID_INPUT");
            assert.match(
              err.message,
              /^getUser: email must be an email address such as "jane\.doe@example\.com", got /,
            );
            return true;
          }),
        );
        assert.deepEqual(requests, []);
      }
    });

    it("reads the credentials from SECURID_API_KEY_FILE when the stack config has none", async () => {
      pulumi.runtime.setAllConfig({});
      process.env.SECURID_API_KEY_FILE = keyFile;
      assert.equal((await getUser({ email: "bo@team.example.com" })).userId, "u-bo");
    });

    it("without any credential, says which config keys and variables to set, and sends nothing", async () => {
      pulumi.runtime.setAllConfig({});
      const { requests } = await sent(() =>
        assert.rejects(getUser({ email: "bo@team.example.com" }), (err: Error & { code?: string }) => {
          assert.equal(err.code, "ERR_INVALID_CONFIG");
          assert.match(err.message, /No RSA SecurID credentials are configured/);
          assert.match(err.message, /pulumi config set securid:apiKeyFile/);
          assert.match(err.message, /SECURID_API_KEY_FILE/);
          return true;
        }),
      );
      assert.deepEqual(requests, []);
    });
  });

  describe("searchUsers", () => {
    it("no match is { users: [], truncated: false } (the API answers an empty body)", async () => {
      const { result, requests } = await sent(() => searchUsers({ emailLike: "nobody-matches" }));
      assert.deepEqual(result, { users: [], truncated: false });
      assert.deepEqual(ops(requests), ["search"]);
      assert.equal(requests[0]!.query, "pageSize=25");
    });

    it("a full page is truncated: there may be more; a page with room to spare is not", async () => {
      const full = await searchUsers({ emailLike: "team.example.com", pageSize: 3 });
      assert.equal(full.users.length, 3);
      assert.equal(full.truncated, true);
      const all = await searchUsers({ emailLike: "team.example.com", pageSize: 5 });
      assert.equal(all.truncated, false);
      assert.deepEqual(
        all.users.map((u) => u.email),
        [
          "ann@team.example.com",
          "bo@team.example.com",
          "cy@team.example.com",
          "team.example.com@other.example",
        ],
      );
    });

    it("puts the exact match first and returns users with the UserStatus output names", async () => {
      const { users } = await searchUsers({ emailLike: "team.example.com@other.example" });
      assert.equal(users[0]!.userId, "u-cat");
      assert.deepEqual(Object.keys(users[0]!).sort(), Object.keys(ada).sort());
    });

    it("a pageSize outside 1..25 or an empty emailLike is ERR_INVALID_INPUT with nothing sent", async () => {
      for (const pageSize of [0, 26, 2.5, -1, "10" as unknown as number]) {
        const { requests } = await sent(() =>
          assert.rejects(searchUsers({ emailLike: "a", pageSize }), (err: Error & { code?: string }) => {
            assert.equal(err.code, "ERR_INVALID_INPUT");
            assert.match(err.message, /^searchUsers: pageSize must be an integer from 1 to 25, got /);
            return true;
          }),
        );
        assert.deepEqual(requests, []);
      }
      await assert.rejects(
        searchUsers({ emailLike: " " }),
        /searchUsers: emailLike must be a non-empty piece/,
      );
    });
  });

  describe("Output forms", () => {
    it("getUserOutput resolves Input arguments and gives the user (public apply sees the same value)", async () => {
      const output = getUserOutput({
        email: Promise.resolve("ada.lovelace@example.com"),
        searchUnsynched: pulumi.output(false),
      });
      const viaApply = await new Promise<SecurIdUser>((resolve) => output.apply((u) => resolve(u)));
      assert.equal(viaApply.userId, "u-ada");
      const { value, known } = await settle(output);
      assert.equal(known, true);
      assert.deepEqual(value, viaApply);
    });

    it("searchUsersOutput gives { users, truncated }", async () => {
      const { value } = await settle(
        searchUsersOutput({ emailLike: pulumi.output("team.example.com"), pageSize: 2 }),
      );
      assert.equal(value!.users.length, 2);
      assert.equal(value!.truncated, true);
    });

    it("keeps the arguments' secrecy", async () => {
      const output = getUserOutput({ email: pulumi.secret("ada.lovelace@example.com") });
      assert.equal(await pulumi.isSecret(output), true);
    });

    it("a failure surfaces through the Output with its code", async () => {
      await assert.rejects(
        settle(getUserOutput({ email: "nobody@example.com" })),
        (err: Error & { code?: string }) => {
          assert.equal(err.code, "ERR_USER_NOT_FOUND");
          return true;
        },
      );
    });

    it("while an argument is unknown (preview), nothing is sent and the result is unknown", async () => {
      const { result, requests } = await sent(async () => {
        const unknownEmail = pulumi.output(pulumi.unknown as unknown as string);
        return Promise.all([
          settle(getUserOutput({ email: unknownEmail })),
          settle(searchUsersOutput({ emailLike: unknownEmail })),
        ]);
      });
      assert.deepEqual(requests, []);
      assert.deepEqual(
        result.map((r) => r.known),
        [false, false],
      );
    });
  });
});
