/**
 * NexusUserSync end to end: the real dynamic-provider plugin, configured with `nexus:*` stack config
 * (or NEXUS_* variables), against the emulator's Nexus endpoint. The emulator keeps the body of the
 * last sync, which is what Nexus received.
 */
import assert from "node:assert/strict";
import { startEmulator, type Emulator } from "../../src/emulator";
import { providerFor } from "../../src/resources/thin-provider";
import { ROOT, operations, requestsDuring as requestLog } from "./fixtures";
import {
  CheckFailedError,
  Engine,
  dynamicType,
  findSecrets,
  isSecret,
  serializeProvider,
  startPlugin,
  wrapSecret,
  type PluginClient,
  type ResourceState,
} from "../../dev/engine";

const TYPE = dynamicType("nexus", "UserSync");
/** No NEXUS_* variable of the machine running the tests reaches the plugin. */
const CLEAN_ENV = {
  NEXUS_BASE_URL: undefined,
  NEXUS_USERNAME: undefined,
  NEXUS_PASSWORD: undefined,
  NEXUS_BEARER_TOKEN: undefined,
  NEXUS_APPLICATION_TOKEN: undefined,
  NEXUS_APPLICATION_TOKEN_HEADER: undefined,
};

/** Personal data sent as attribute values: must never be printed. */
const UPN = "jane.doe@corp.example.com";
const PHONE = "+1 555 0100 777";

describe("NexusUserSync through the real plugin (e2e)", function () {
  this.timeout(60_000);

  let emulator: Emulator;
  let plugin: PluginClient;
  let engine: Engine;
  let provider: string;
  const states = new Map<string, ResourceState>();

  /** As `new NexusUserSync(...)` registers it: attributes wrapped as a secret. */
  const goal = (name: string, inputs: Record<string, unknown>) => ({
    type: TYPE,
    name,
    inputs: {
      ...inputs,
      ...(inputs.attributes !== undefined && { attributes: wrapSecret(inputs.attributes) }),
      __provider: provider,
    },
  });

  const jane = {
    userId: "auth0|jane",
    audience: "https://api.example.com",
    attributes: { upn: UPN, given_name: "Jane", family_name: "Doe", phone: PHONE },
    connection: { connectionId: "con_corp", groups: ["Sales", "EMEA"] },
    clientUpnKey: "upn",
  };

  const requestsDuring = (action: () => Promise<unknown>) => requestLog(emulator, action);

  before(async () => {
    emulator = await startEmulator({
      nexusUsers: [
        { userId: "auth0|jane", givenName: "J", familyName: "D", roles: ["User", "Approver"] },
        { userId: "auth0|max", givenName: "Max", familyName: "Mustermann" },
      ],
    });
    provider = await serializeProvider(providerFor("NexusUserSync"));
    plugin = await startPlugin({ cwd: ROOT, env: CLEAN_ENV });
    await plugin.configure(
      {
        "nexus:baseUrl": emulator.nexusUrl,
        "nexus:username": emulator.nexusCredentials.username,
        "nexus:password": emulator.nexusCredentials.password,
      },
      ["nexus:password"],
    );
    engine = new Engine(plugin);
  });

  after(async () => {
    await plugin?.stop();
    await emulator?.close();
  });

  it("create: one PUT; the map of attributes arrives sorted by key; roles and upn come back", async () => {
    const requests = await requestsDuring(async () => {
      const result = await engine.up(goal("jane", jane));
      assert.equal(result.op, "create");
      states.set("jane", result.state);
    });
    assert.deepEqual(operations(requests), ["nexusSync"]);
    assert.equal(requests[0]!.path, "/nexus/v1/users/auth0%7Cjane/$sync");
    assert.deepEqual(emulator.getNexusUser("auth0|jane")!.lastSync, {
      audience: "https://api.example.com",
      attributes: [
        { key: "family_name", value: "Doe" },
        { key: "given_name", value: "Jane" },
        { key: "phone", value: PHONE },
        { key: "upn", value: UPN },
      ],
      connection: { connectionId: "con_corp", groups: ["Sales", "EMEA"] },
      clientUpnKey: "upn",
    });
    const state = states.get("jane")!;
    assert.equal(state.id, "auth0|jane");
    const outs = state.outputs;
    assert.equal(outs.userId, "auth0|jane");
    assert.equal(outs.displayName, "Jane Doe");
    assert.equal(outs.givenName, "Jane");
    assert.equal(outs.familyName, "Doe");
    assert.equal(outs.isAuthenticated, true);
    assert.deepEqual(outs.roles, ["User", "Approver"]);
    assert.equal(outs.upn, UPN);
    assert.ok(isSecret(outs.attributes), "attributes are stored as a secret");
    assert.ok(isSecret(state.inputs.attributes));
  });

  it("an up where nothing changed sends nothing, even when the map is written as the same list", async () => {
    const requests = await requestsDuring(async () => {
      const same = await engine.up(goal("jane", jane), states.get("jane"));
      assert.equal(same.op, "same");
      const asList = await engine.up(
        goal("jane", {
          ...jane,
          attributes: [
            { key: "family_name", value: "Doe" },
            { key: "given_name", value: "Jane" },
            { key: "phone", value: PHONE },
            { key: "upn", value: UPN },
          ],
        }),
        states.get("jane"),
      );
      assert.equal(asList.op, "same");
    });
    assert.deepEqual(requests, []);
  });

  it("a change of any input: preview shows an update (no request), the up sends one PUT, the list in its order", async () => {
    const list = [
      { key: "upn", value: UPN },
      { key: "given_name", value: "Janet" },
      { key: "family_name", value: "Doe" },
    ];
    const changed = goal("jane", { ...jane, attributes: list });
    const previewed = await requestsDuring(async () => {
      assert.equal((await engine.preview(changed, states.get("jane"))).op, "update");
    });
    assert.deepEqual(previewed, []);
    const requests = await requestsDuring(async () => {
      const result = await engine.up(changed, states.get("jane"));
      assert.equal(result.op, "update");
      states.set("jane", result.state);
    });
    assert.deepEqual(operations(requests), ["nexusSync"]);
    assert.deepEqual(emulator.getNexusUser("auth0|jane")!.lastSync!.attributes, list);
    assert.equal(states.get("jane")!.outputs.givenName, "Janet");

    for (const patch of [
      { connection: { connectionId: "con_corp", groups: ["Sales"] } },
      { audience: "https://other.example.com" },
      { triggers: ["rotate-1"] },
    ]) {
      const one = await requestsDuring(async () => {
        const next = goal("jane", { ...jane, attributes: list, ...patch });
        const result = await engine.up(next, states.get("jane"));
        assert.equal(result.op, "update", JSON.stringify(patch));
        const again = await engine.up(next, result.state);
        assert.equal(again.op, "same");
        states.set("jane", again.state);
      });
      assert.deepEqual(operations(one), ["nexusSync"], JSON.stringify(patch));
    }
  });

  it("refresh keeps the state and sends nothing; destroy sends nothing", async () => {
    const requests = await requestsDuring(async () => {
      const refreshed = await engine.refresh(states.get("jane")!);
      assert.deepEqual(refreshed?.outputs, states.get("jane")!.outputs);
      await engine.destroy(states.get("jane")!);
    });
    assert.deepEqual(requests, []);
  });

  it("invalid inputs fail in check with clear messages, and nothing is sent", async () => {
    const requests = await requestsDuring(async () => {
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ ...jane, audience: "" }, /property audience .*NexusUserSync: audience must be a non-empty string/],
        [
          { ...jane, clientUpnKey: "email" },
          /NexusUserSync: clientUpnKey "email" must name one of the attributes \("family_name", "given_name", "phone", "upn"\)/,
        ],
        [{ ...jane, clientUpnKey: "u".repeat(256) }, /clientUpnKey must be at most 255 characters, got 256/],
        [
          { ...jane, attributes: { upn: UPN, age: 42 } },
          /attributes\.age \(key "age"\) must have a string value/,
        ],
        [
          { ...jane, connection: { groups: ["Sales"] } },
          /connection\.connectionId must be a non-empty string/,
        ],
        [{ ...jane, attributes: undefined }, /attributes is required/],
      ];
      for (const [inputs, message] of cases) {
        await assert.rejects(engine.up(goal("invalid", inputs)), (err: unknown) => {
          assert.ok(err instanceof CheckFailedError, String(err));
          assert.match(err.message, message);
          return true;
        });
      }
    });
    assert.deepEqual(requests, []);
  });

  it("a user Nexus does not know is a clear error naming the id", async () => {
    await assert.rejects(engine.up(goal("ghost", { ...jane, userId: "auth0|ghost" })), (err: Error) => {
      assert.match(
        err.message,
        /Cannot synchronize Nexus user auth0\|ghost: no Nexus user has the id auth0\|ghost\. Check the user id and nexus:baseUrl\./,
      );
      return true;
    });
  });

  it("never prints an attribute value or a credential", async () => {
    await plugin.settleOutput();
    const printed = [plugin.stdout(), plugin.stderr()];
    const creds = emulator.nexusCredentials;
    assert.deepEqual(
      findSecrets(printed, [UPN, PHONE, "Janet", creds.password, creds.bearerToken, creds.applicationToken]),
      [],
    );
    assert.ok(
      plugin
        .stdout()
        .some((l) =>
          /^nexus: synchronized user auth0\|jane for https:\/\/api\.example\.com \(4 attributes, roles: User, Approver\)$/.test(
            l,
          ),
        ),
    );
  });
});

describe("NexusUserSync configuration through the real plugin (e2e)", function () {
  this.timeout(60_000);

  let emulator: Emulator;
  let provider: string;
  const attributes = { upn: UPN, given_name: "Max" };

  before(async () => {
    emulator = await startEmulator({
      nexusUsers: [{ userId: "auth0|max", givenName: "Max", familyName: "Mustermann", roles: ["Reader"] }],
      nexus: { applicationTokenHeader: "X-Nexus-App" },
    });
    provider = await serializeProvider(providerFor("NexusUserSync"));
  });
  after(() => emulator?.close());

  /** One `up` of a new resource in a fresh plugin with this config and environment. */
  async function attempt(
    config: Record<string, string>,
    env: NodeJS.ProcessEnv = {},
    secretKeys: string[] = [],
  ) {
    const plugin = await startPlugin({ cwd: ROOT, env: { ...CLEAN_ENV, ...env } });
    try {
      await plugin.configure(config, secretKeys);
      const before = emulator.getNexusUser("auth0|max")!.syncCount;
      const result = await new Engine(plugin)
        .up({
          type: TYPE,
          name: "max",
          inputs: {
            userId: "auth0|max",
            audience: "https://api.example.com",
            attributes: wrapSecret(attributes),
            connection: { connectionId: "con_corp" },
            clientUpnKey: "upn",
            __provider: provider,
          },
        })
        .then(
          (r) => ({ state: r.state, error: undefined }),
          (err: Error) => ({ state: undefined, error: err }),
        );
      await plugin.settleOutput();
      const printed = [...plugin.stdout(), ...plugin.stderr()].join("\n");
      return { ...result, printed, synced: emulator.getNexusUser("auth0|max")!.syncCount - before };
    } finally {
      await plugin.stop();
    }
  }

  const base = () => ({ "nexus:baseUrl": emulator.nexusUrl });
  const creds = () => emulator.nexusCredentials;
  const secrets = () => [creds().password, creds().bearerToken, creds().applicationToken, UPN];

  it("bearer token + application token under a configured header name works", async () => {
    const { state, error, printed } = await attempt(
      {
        ...base(),
        "nexus:bearerToken": creds().bearerToken,
        "nexus:applicationToken": creds().applicationToken,
        "nexus:applicationTokenHeader": "X-Nexus-App",
      },
      {},
      ["nexus:bearerToken", "nexus:applicationToken"],
    );
    assert.equal(error, undefined);
    assert.deepEqual(state!.outputs.roles, ["Reader"]);
    assert.deepEqual(findSecrets(printed, secrets()), []);
  });

  it("NEXUS_* variables are used when the stack config has no nexus key", async () => {
    const { error, synced } = await attempt(
      {},
      {
        NEXUS_BASE_URL: emulator.nexusUrl,
        NEXUS_USERNAME: creds().username,
        NEXUS_PASSWORD: creds().password,
      },
    );
    assert.equal(error, undefined);
    assert.equal(synced, 1);
  });

  const refused: [string, () => Record<string, string>, RegExp][] = [
    [
      "a wrong Basic password",
      () => ({ ...base(), "nexus:username": creds().username, "nexus:password": "not-the-password" }),
      /Nexus answered 401 .*the credentials were refused\. Check nexus:username and nexus:password \(NEXUS_USERNAME, NEXUS_PASSWORD\)/,
    ],
    [
      "a wrong bearer token",
      () => ({
        ...base(),
        "nexus:bearerToken": "expired-token",
        "nexus:applicationToken": creds().applicationToken,
        "nexus:applicationTokenHeader": "X-Nexus-App",
      }),
      /Nexus answered 401 .*Check nexus:bearerToken \(it may have expired\), nexus:applicationToken and nexus:applicationTokenHeader/,
    ],
    [
      "the application token under the default header name, when Nexus expects another",
      () => ({
        ...base(),
        "nexus:bearerToken": creds().bearerToken,
        "nexus:applicationToken": creds().applicationToken,
      }),
      /Nexus answered 403 .*nexus:applicationTokenHeader \(sent as "applicationtoken"\)/,
    ],
  ];
  for (const [what, config, message] of refused) {
    it(`${what}: a clear error naming the nexus:* keys, nothing synchronized, no secret printed`, async () => {
      const { error, synced, printed } = await attempt(config(), {}, [
        "nexus:password",
        "nexus:bearerToken",
        "nexus:applicationToken",
      ]);
      assert.ok(error);
      assert.match(error.message, /Cannot synchronize Nexus user auth0\|max: /);
      assert.match(error.message, message);
      assert.equal(synced, 0);
      assert.deepEqual(
        findSecrets([error.message, printed], [...secrets(), "expired-token", "not-the-password"]),
        [],
      );
    });
  }

  it("no base URL: the error names nexus:baseUrl and NEXUS_BASE_URL, and nothing is sent", async () => {
    const before = emulator.requests.length;
    const { error } = await attempt({
      "nexus:username": creds().username,
      "nexus:password": creds().password,
    });
    assert.match(
      error?.message ?? "",
      /The Nexus base URL is not configured: set nexus:baseUrl \(NEXUS_BASE_URL\)/,
    );
    assert.equal(emulator.requests.length, before);
  });

  it("no credentials: the error lists both ways to authenticate", async () => {
    const { error } = await attempt(base());
    assert.match(
      error?.message ?? "",
      /No Nexus credentials are configured\. Set nexus:username and nexus:password/,
    );
    assert.match(error?.message ?? "", /nexus:bearerToken and nexus:applicationToken/);
  });
});
