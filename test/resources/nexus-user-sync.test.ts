/**
 * NexusUserSync's provider object against the emulator, through the real Nexus client: what is sent
 * (the emulator keeps the last sync body), what comes back, and the errors a user sees.
 */
import assert from "node:assert/strict";
import { createNexusClient, resolveNexusSettings, type NexusClient } from "../../src/client";
import { startEmulator, type Emulator } from "../../src/emulator";
import { testContext } from "./contexts";
import { nexusUserSyncProvider } from "../../src/resources/nexus-user-sync";

/** Checked inputs, as the engine passes them to create/update. */
const props = (inputs: unknown) => inputs as Record<string, unknown>;

describe("NexusUserSync provider against the emulator", () => {
  let emulator: Emulator;
  const clients: NexusClient[] = [];
  const lines: string[] = [];

  before(async () => {
    emulator = await startEmulator({
      nexusUsers: [{ userId: "auth0|jane", givenName: "J", familyName: "D", roles: ["User", "Approver"] }],
    });
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await emulator.close();
  });

  async function providerWith(config: Record<string, string>) {
    const settings = await resolveNexusSettings((k) => config[k], {});
    const client = createNexusClient(settings);
    clients.push(client);
    const ctx = testContext({ nexus: async () => client, log: (line) => void lines.push(line) });
    return nexusUserSyncProvider(ctx);
  }

  const basic = () => ({
    "nexus:baseUrl": emulator.nexusUrl,
    "nexus:username": emulator.nexusCredentials.username,
    "nexus:password": emulator.nexusCredentials.password,
  });

  const inputs = {
    userId: "auth0|jane",
    audience: "https://api.example.com",
    attributes: { upn: "jane.doe@corp.example.com", given_name: "Jane", family_name: "Doe" },
    connection: { connectionId: "con_1", groups: ["Sales"] },
    clientUpnKey: "upn",
  };

  async function syncs(action: () => Promise<unknown>): Promise<number> {
    const before = emulator.requests.filter((r) => r.operation === "nexusSync").length;
    await action();
    return emulator.requests.filter((r) => r.operation === "nexusSync").length - before;
  }

  it("create: one PUT, a map of attributes sent sorted by key; outputs from the answer", async () => {
    const provider = await providerWith(basic());
    const checked = await provider.check({}, inputs);
    let created!: Awaited<ReturnType<typeof provider.create>>;
    assert.equal(await syncs(async () => (created = await provider.create(props(checked.inputs)))), 1);
    assert.deepEqual(emulator.getNexusUser("auth0|jane")!.lastSync, {
      audience: "https://api.example.com",
      attributes: [
        { key: "family_name", value: "Doe" },
        { key: "given_name", value: "Jane" },
        { key: "upn", value: "jane.doe@corp.example.com" },
      ],
      connection: { connectionId: "con_1", groups: ["Sales"] },
      clientUpnKey: "upn",
    });
    assert.equal(created.id, "auth0|jane");
    const outs = created.outs!;
    assert.equal(outs.displayName, "Jane Doe");
    assert.equal(outs.givenName, "Jane");
    assert.equal(outs.familyName, "Doe");
    assert.equal(outs.isAuthenticated, true);
    assert.deepEqual(outs.roles, ["User", "Approver"]);
    assert.equal(outs.upn, "jane.doe@corp.example.com");
    assert.match(
      lines.at(-1)!,
      /^nexus: synchronized user auth0\|jane for https:\/\/api\.example\.com \(3 attributes, roles: User, Approver\)$/,
    );
    assert.doesNotMatch(lines.join("\n"), /jane\.doe@corp/);
  });

  it("update: one PUT with a list of attributes sent in its order; read and delete send nothing", async () => {
    const provider = await providerWith(basic());
    const list = [
      { key: "upn", value: "jane@corp.example.com" },
      { key: "email", value: "jane@example.com" },
      { key: "given_name", value: "Janet" },
    ];
    const checked = await provider.check({}, { ...inputs, attributes: list });
    const old = (await provider.create(props((await provider.check({}, inputs)).inputs!))).outs!;
    let updated!: Awaited<ReturnType<typeof provider.update>>;
    assert.equal(
      await syncs(async () => (updated = await provider.update("auth0|jane", old, props(checked.inputs)))),
      1,
    );
    assert.deepEqual(emulator.getNexusUser("auth0|jane")!.lastSync!.attributes, list);
    assert.equal(updated.outs!.givenName, "Janet");
    assert.equal(updated.outs!.upn, "jane@corp.example.com");
    assert.equal(
      await syncs(async () => {
        const read = await provider.read("auth0|jane", updated.outs!);
        assert.deepEqual(read, { id: "auth0|jane", props: updated.outs });
        await provider.delete();
      }),
      0,
    );
  });

  it("without clientUpnKey the UPN output is null and no clientUpnKey is sent", async () => {
    const provider = await providerWith(basic());
    const { clientUpnKey: _none, ...rest } = inputs;
    const { outs } = await provider.create(props((await provider.check({}, rest)).inputs!));
    assert.equal(outs!.upn, null);
    assert.equal("clientUpnKey" in emulator.getNexusUser("auth0|jane")!.lastSync!, false);
  });

  it("an unknown user is a clear error naming the id and what to check", async () => {
    const provider = await providerWith(basic());
    const checked = await provider.check({}, { ...inputs, userId: "auth0|nobody" });
    await assert.rejects(provider.create(props(checked.inputs)), (err: Error & { code?: string }) => {
      assert.equal(err.code, "ERR_USER_NOT_FOUND");
      assert.match(
        err.message,
        /Cannot synchronize Nexus user auth0\|nobody: no Nexus user has the id auth0\|nobody\. Check the user id and nexus:baseUrl\./,
      );
      return true;
    });
  });

  it("a problem document from a failing server becomes a clear error, the user unchanged", async () => {
    const provider = await providerWith({ ...basic(), "nexus:maxRetries": "0" });
    const before = emulator.getNexusUser("auth0|jane")!.syncCount;
    emulator.setFaults({ errorRate: 1, operations: ["nexusSync"], seed: 7 });
    try {
      await assert.rejects(
        provider.create(props((await provider.check({}, inputs)).inputs!)),
        (err: Error & { code?: string }) => {
          assert.equal(err.code, "ERR_SERVER");
          assert.match(
            err.message,
            /^Cannot synchronize Nexus user auth0\|jane: Nexus answered 50[0-4] \(Internal error occurred when processing the request\.\)\. Nexus is failing; try again later/,
          );
          return true;
        },
      );
    } finally {
      emulator.setFaults(undefined);
    }
    assert.equal(
      emulator.requests.at(-1)!.fault?.endsWith("-html"),
      false,
      "the problem document, not a proxy page",
    );
    assert.equal(emulator.getNexusUser("auth0|jane")!.syncCount, before);
  });

  it("works with a bearer token and the application token header", async () => {
    const provider = await providerWith({
      "nexus:baseUrl": emulator.nexusUrl,
      "nexus:bearerToken": emulator.nexusCredentials.bearerToken,
      "nexus:applicationToken": emulator.nexusCredentials.applicationToken,
    });
    const { outs } = await provider.create(props((await provider.check({}, inputs)).inputs!));
    assert.deepEqual(outs!.roles, ["User", "Approver"]);
  });

  const refused: [string, () => Record<string, string>, RegExp][] = [
    [
      "a wrong password",
      () => ({ ...basic(), "nexus:password": "wrong" }),
      /Check nexus:username and nexus:password \(NEXUS_USERNAME, NEXUS_PASSWORD\)/,
    ],
    [
      "a wrong bearer token",
      () => ({
        "nexus:baseUrl": emulator.nexusUrl,
        "nexus:bearerToken": "wrong",
        "nexus:applicationToken": emulator.nexusCredentials.applicationToken,
      }),
      /Check nexus:bearerToken \(it may have expired\), nexus:applicationToken and nexus:applicationTokenHeader/,
    ],
    [
      "a wrong application token header",
      () => ({
        "nexus:baseUrl": emulator.nexusUrl,
        "nexus:bearerToken": emulator.nexusCredentials.bearerToken,
        "nexus:applicationToken": emulator.nexusCredentials.applicationToken,
        "nexus:applicationTokenHeader": "X-App-Token",
      }),
      /nexus:applicationTokenHeader \(sent as "x-app-token"\)/,
    ],
  ];
  for (const [what, config, hint] of refused) {
    it(`${what} is refused with a message naming the nexus:* keys, and the user is not changed`, async () => {
      const provider = await providerWith(config());
      const before = emulator.getNexusUser("auth0|jane")!.syncCount;
      await assert.rejects(
        provider.create(props((await provider.check({}, inputs)).inputs!)),
        (err: Error & { code?: string }) => {
          assert.equal(err.code, "ERR_AUTH_FAILED");
          assert.match(err.message, /Cannot synchronize Nexus user auth0\|jane: Nexus answered 40[13]/);
          assert.match(err.message, hint);
          assert.ok(!err.message.includes(emulator.nexusCredentials.password));
          assert.ok(!err.message.includes(emulator.nexusCredentials.bearerToken));
          return true;
        },
      );
      assert.equal(emulator.getNexusUser("auth0|jane")!.syncCount, before);
    });
  }
});

describe("NexusUserSync provider when Nexus spells the user id differently", () => {
  it("keeps the configured userId as output and id, so the next up plans no replacement", async () => {
    const stub = {
      api: {
        syncUserIdentity: async () => ({
          userId: "AUTH0|JANE-canonical",
          givenName: "Jane",
          familyName: "Doe",
          displayName: "Jane Doe",
          isAuthenticated: null,
          roles: [{ name: "User" }, { id: "r-2", name: null }],
        }),
      },
    } as unknown as NexusClient;
    const provider = nexusUserSyncProvider(testContext({ nexus: async () => stub }));
    const news = {
      userId: "auth0|jane",
      audience: "https://api.example.com",
      attributes: [{ key: "upn", value: "j@corp" }],
      connection: { connectionId: "con_1", groups: [] },
    };
    const checked = (await provider.check({}, news)).inputs!;
    const { id, outs } = await provider.create(checked as unknown as Record<string, unknown>);
    assert.equal(id, "auth0|jane");
    assert.equal(outs!.userId, "auth0|jane");
    assert.deepEqual(outs!.roles, ["User"], "roles without a name are left out");
    assert.equal(outs!.isAuthenticated, null);
    assert.deepEqual(await provider.diff(id, outs!, checked), { changes: false });
  });
});
