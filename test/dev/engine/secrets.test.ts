/**
 * Secrets through the engine stand-in: secret config, secret outputs of the program, a resource's
 * additionalSecretOutputs, secret inputs; flagged in the results, encrypted in `exportState()`.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ProgramStack, findSecrets, isSecret } from "../../../dev/engine";
import { PROGRAMS, assertOk, emulatorWorld } from "./fixtures";

describe("dev/engine ProgramStack: secrets in config, outputs and the exported state", function () {
  this.timeout(120_000);

  it("secret config and secret stack outputs: flagged, encrypted in the export, importable with the passphrase", async () => {
    const stack = new ProgramStack({ dir: PROGRAMS.outputs, passphrase: "correct horse" });
    stack.setConfig("who", "tester");
    stack.setConfig("password", "hunter2-in-config", { secret: true });
    const result = assertOk(await stack.up());
    assert.deepEqual(result.outputs.fromSecretConfig, {
      value: "hunter2-in-config",
      secret: true,
      containsSecrets: true,
      unknown: false,
    });
    assert.equal(result.outputs.secretThing?.secret, true);
    assert.equal(result.outputs.greeting?.value, "hello tester");
    assert.equal(result.outputs.greeting?.secret, false);
    assert.ok(result.program.stdout.includes("program says hi"));
    assert.match(result.text, /\n {4}fromSecretConfig: \[secret\]\n/);
    assert.deepEqual(findSecrets(result.text, ["hunter2-in-config", "s3cr3t-output"]), []);

    const exported = stack.exportState();
    assert.deepEqual(findSecrets(exported, ["hunter2-in-config", "s3cr3t-output"]), []);
    const doc = JSON.parse(exported) as {
      deployment: { resources: { outputs?: Record<string, Record<string, unknown>> }[] };
    };
    assert.match(String(doc.deployment.resources[0]!.outputs!.fromSecretConfig!.ciphertext), /^v1:/);
    assert.deepEqual(findSecrets(stack.exportState({ showSecrets: true }), ["hunter2-in-config"]), [
      "hunter2-in-config",
    ]);

    const copy = new ProgramStack({ dir: PROGRAMS.outputs, passphrase: "correct horse" });
    copy.importState(exported);
    assert.deepEqual(copy.outputs(), stack.outputs());
    const stranger = new ProgramStack({ dir: PROGRAMS.outputs, passphrase: "wrong" });
    assert.throws(() => stranger.importState(exported), /incorrect passphrase/);
  });

  it("a program that throws fails the up with its error and leaves the state as it was", async () => {
    const stack = new ProgramStack({ dir: PROGRAMS.outputs });
    assertOk(await stack.up());
    const before = stack.exportState({ showSecrets: true });
    stack.setConfig("fail", "true");
    const result = await stack.up();
    assert.equal(result.ok, false);
    assert.equal(result.programExit?.code, 32, "the SDK's 'already reported' exit code");
    assert.ok(
      result.diagnostics.some(
        (d) => d.severity === "error" && d.message.includes("the program failed on purpose"),
      ),
      result.text,
    );
    const strip = (s: string) => s.replace(/"time": "[^"]+"/, "");
    assert.equal(strip(stack.exportState({ showSecrets: true })), strip(before));
  });

  it("additionalSecretOutputs and secret inputs make outputs secret in the state; no credential is in it", async () => {
    const world = await emulatorWorld({
      users: [
        {
          emailAddress: "ada@example.com",
          firstName: "Augusta",
          userStatus: "Enabled",
          smsNumber: "+15550199",
        },
      ],
    });
    const dir = mkdtempSync(path.join(tmpdir(), "dev-engine-secret-files-"));
    try {
      const stack = world.stack(PROGRAMS.declarations);
      stack.setConfig("e2e:resources", [
        {
          kind: "UserStatus",
          name: "ada",
          args: { email: "ada@example.com", status: "Enabled" },
          opts: { additionalSecretOutputs: ["firstName"] },
        },
      ]);
      const result = assertOk(await stack.up());
      const ada = stack.resource("ada")!;
      assert.ok(isSecret(ada.outputs.firstName), "listed in additionalSecretOutputs by the program");
      assert.ok(isSecret(ada.outputs.smsNumber), "listed by UserStatus itself");
      assert.ok(!isSecret(ada.outputs.status));
      const output = result.outputs.ada!;
      assert.equal(output.secret, false);
      assert.equal(output.containsSecrets, true);
      assert.equal((output.value as Record<string, unknown>).smsNumber, "+15550199");
      const key = JSON.parse(world.keyText) as { accessKey: string; accessID: string };
      assert.deepEqual(
        findSecrets(stack.exportState(), [
          "+15550199",
          "Augusta",
          key.accessID,
          key.accessKey.slice(40, 80),
          world.keyFile,
        ]),
        [],
      );

      const files = new ProgramStack({ dir: PROGRAMS.files });
      files.setConfig("files:list", [
        { name: "note", path: path.join(dir, "note.txt"), content: "a secret note", secret: true },
      ]);
      assertOk(await files.up());
      const note = files.resource("note")!;
      assert.ok(isSecret(note.inputs.content));
      assert.ok(isSecret(note.outputs.content), "the output of a secret input is secret again");
      assert.deepEqual(findSecrets(files.exportState(), ["a secret note"]), []);
      assertOk(await files.destroy());
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await world.close();
    }
  });
});
