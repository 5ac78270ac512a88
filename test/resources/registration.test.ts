/**
 * What a program registers with the engine for each resource: the type token, and which outputs the
 * engine must store as secrets (personal data). Captured at the resource monitor, where the real
 * engine receives it.
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { NexusUserSync, UserStatus, UserSync } from "../../src";

interface Registration {
  type: string;
  name: string;
  additionalSecretOutputs: string[];
  secretInputs: string[];
}

describe("resource registration", function () {
  this.timeout(30_000);
  const registrations: Registration[] = [];

  before(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
        call: () => ({}),
      },
      "registration",
      "test",
      false,
    );
    const runtime = pulumi.runtime as unknown as { getMonitor(): any };
    const monitor = runtime.getMonitor();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: unknown) => {
      const object = req.getObject()?.toJavaScript() ?? {};
      registrations.push({
        type: req.getType(),
        name: req.getName(),
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        secretInputs: Object.keys(object).filter(
          (k) => object[k]?.["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270",
        ),
      });
      return register(req, callback);
    };
  });

  async function registered(resource: pulumi.CustomResource, name: string): Promise<Registration> {
    await new Promise<void>((resolve) => resource.urn.apply(() => resolve()));
    const found = registrations.find((r) => r.name === name);
    assert.ok(found, `no registration for ${name}`);
    return found;
  }

  it("UserStatus: its type token, with the phone numbers as secret outputs", async () => {
    const r = await registered(
      new UserStatus("ada", { email: "ada@example.com", status: "Disabled" }),
      "ada",
    );
    assert.equal(r.type, "pulumi-nodejs:dynamic/securid:UserStatus");
    assert.deepEqual([...r.additionalSecretOutputs].sort(), ["smsNumber", "voiceNumber"]);
  });

  it("UserStatus keeps the secret outputs a program adds", async () => {
    const r = await registered(
      new UserStatus(
        "bob",
        { email: "bob@example.com", status: "Enabled" },
        { additionalSecretOutputs: ["email"] },
      ),
      "bob",
    );
    assert.deepEqual([...r.additionalSecretOutputs].sort(), ["email", "smsNumber", "voiceNumber"]);
  });

  it("UserSync: its type token", async () => {
    const r = await registered(new UserSync("sync", { email: "ada@example.com", triggers: ["v1"] }), "sync");
    assert.equal(r.type, "pulumi-nodejs:dynamic/securid:UserSync");
  });

  it("NexusUserSync: its type token, attributes sent and stored as secrets, the UPN and names secret outputs", async () => {
    const r = await registered(
      new NexusUserSync("nexus", {
        userId: "auth0|1",
        audience: "https://app.example.com",
        attributes: { upn: "jane@example.com" },
        connection: { connectionId: "con_1" },
        clientUpnKey: "upn",
      }),
      "nexus",
    );
    assert.equal(r.type, "pulumi-nodejs:dynamic/nexus:UserSync");
    assert.ok(r.secretInputs.includes("attributes"), `secret inputs: ${r.secretInputs}`);
    assert.deepEqual([...r.additionalSecretOutputs].sort(), [
      "attributes",
      "displayName",
      "familyName",
      "givenName",
      "upn",
    ]);
  });
});
