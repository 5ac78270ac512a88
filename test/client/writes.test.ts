/**
 * A write whose answer is lost, against the emulator over real sockets: every retry is a whole new
 * request (never a `Range` continuation of a cut answer), and when the outcome stays unknown the error
 * says the change may have been applied (`maybeApplied`) and how to see the user's status.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  createCasClient,
  createNexusClient,
  resolveCasSettings,
  resolveNexusSettings,
  type CasClient,
  type ClientEvent,
  type NexusClient,
} from "../../src/client";
import { startEmulator, type Emulator, type FaultOptions, type RequestLogEntry } from "../../src/emulator";
import type { SecurIdError } from "../../src/errors";

const fastSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, 5)));
const MAX_RETRIES = 2;

async function rejection(promise: Promise<unknown>): Promise<SecurIdError> {
  try {
    await promise;
  } catch (err) {
    return err as SecurIdError;
  }
  assert.fail("expected the call to fail");
}

describe("client: a write whose answer is lost (against the emulator)", function () {
  this.timeout(30_000);
  let emulator: Emulator;
  let work: string;
  let cas: CasClient;
  let nexus: NexusClient;
  /** Called on each retry the clients report. */
  let onRetry: () => void = () => undefined;

  const onEvent = (e: ClientEvent) => {
    if (e.type === "retry") onRetry();
  };
  /** Injects `faults` into the first attempt only: they are lifted when the client retries. */
  const firstAttempt = (faults: FaultOptions) => {
    emulator.setFaults(faults);
    onRetry = () => emulator.setFaults(undefined);
  };
  const api = (): RequestLogEntry[] =>
    emulator.requests.filter((r) => r.api !== "admin" && r.api !== "oauth");
  const noResume = (entries: RequestLogEntry[]) => {
    for (const e of entries) {
      assert.equal(e.range, undefined, `request ${e.seq} resumed with Range: ${e.range}`);
      assert.equal(e.ifMatch, undefined, `request ${e.seq} sent If-Match: ${e.ifMatch}`);
    }
  };

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), "securid-writes-"));
    emulator = await startEmulator({
      users: [
        { id: "u-ada", emailAddress: "ada@example.com", userStatus: "Enabled" },
        { id: "u-alan", emailAddress: "alan@example.com", userStatus: "Enabled" },
      ],
      nexusUsers: [{ userId: "auth0|42", givenName: "Jane", familyName: "Doe" }],
    });
    const keyFile = await emulator.writeKeyFile(work);
    const knobs = { "securid:maxRetries": String(MAX_RETRIES), "nexus:maxRetries": String(MAX_RETRIES) };
    const config = (values: Record<string, string>) => (key: string) => values[key];
    cas = createCasClient(await resolveCasSettings(config({ "securid:apiKeyFile": keyFile, ...knobs }), {}), {
      sleep: fastSleep,
      onEvent,
    });
    const creds = emulator.nexusCredentials;
    nexus = createNexusClient(
      await resolveNexusSettings(
        config({
          "nexus:baseUrl": emulator.nexusUrl,
          "nexus:username": creds.username,
          "nexus:password": creds.password,
          ...knobs,
        }),
        {},
      ),
      { sleep: fastSleep, onEvent },
    );
    await cas.users.lookupUser("ada@example.com"); // mint the token before the faults
  });

  after(async () => {
    await cas?.close();
    await nexus?.close();
    await emulator?.close();
    rmSync(work, { recursive: true, force: true });
  });

  beforeEach(() => {
    onRetry = () => undefined;
    emulator.setFaults(undefined);
    emulator.updateUserOutOfBand("u-ada", { userStatus: "Enabled" });
    emulator.clearRequests();
  });

  it("re-sends a status PUT whose answer was cut mid-body as a whole new request, and succeeds", async () => {
    firstAttempt({ cutAfterApplyRate: 1, operations: ["setStatus"] });
    const answer = await cas.users.setUserStatus("u-ada", "Disabled", { email: "ada@example.com" });
    assert.deepEqual(answer, { id: "u-ada", userStatus: "Disabled" });
    const puts = api();
    assert.deepEqual(
      puts.map((r) => [r.operation, r.status, r.fault]),
      [
        ["setStatus", 200, "cut-after-apply"],
        ["setStatus", 200, undefined],
      ],
    );
    noResume(puts);
    assert.equal(emulator.getUser("u-ada")!.userStatus, "Disabled");
  });

  it("retries a lookup (a POST) whose answer was cut as a whole new request", async () => {
    firstAttempt({ cutAfterApplyRate: 1, operations: ["lookup"] });
    const user = await cas.users.lookupUser("alan@example.com");
    assert.equal(user.id, "u-alan");
    assert.equal(api().length, 2);
    noResume(api());
  });

  it("when every answer is cut: ERR_CONNECTION with maybeApplied, saying the change may have been applied", async () => {
    emulator.setFaults({ cutAfterApplyRate: 1, operations: ["setStatus"] });
    const err = await rejection(cas.users.setUserStatus("u-ada", "Disabled", { email: "ada@example.com" }));
    assert.equal(err.code, "ERR_CONNECTION");
    assert.equal(err.maybeApplied, true);
    assert.match(
      err.message,
      /^Cannot set CAS user ada@example\.com to Disabled: the connection to 127\.0\.0\.1:\d+ broke while CAS was answering 200 \(UND_ERR_SOCKET\) after 3 attempts\. Check the network, DNS and firewall, and the securid base URL\. The change may have been applied all the same: `pulumi refresh` shows the user's current status in CAS\.$/,
    );
    assert.doesNotMatch(err.message, /cannot reach/);
    assert.equal(api().length, MAX_RETRIES + 1);
    noResume(api());
    // the write was applied (by each attempt: a status PUT is idempotent)
    assert.equal(emulator.getUser("u-ada")!.userStatus, "Disabled");
  });

  it("when the connection drops after every write: maybeApplied, and the change was in fact applied", async () => {
    emulator.setFaults({ dropAfterApplyRate: 1, operations: ["setStatus"] });
    const err = await rejection(cas.users.setUserStatus("u-ada", "Disabled", { email: "ada@example.com" }));
    assert.equal(err.code, "ERR_CONNECTION");
    assert.equal(err.maybeApplied, true);
    assert.match(err.message, /the connection to 127\.0\.0\.1:\d+ was lost before CAS answered/);
    assert.match(err.message, /may have been applied all the same: `pulumi refresh`/);
    assert.equal(emulator.getUser("u-ada")!.userStatus, "Disabled");
  });

  it("when every attempt answers 5xx: ERR_SERVER with maybeApplied", async () => {
    emulator.setFaults({ errorRate: 1, seed: 4, operations: ["setStatus"] });
    const err = await rejection(cas.users.setUserStatus("u-ada", "Disabled", { email: "ada@example.com" }));
    assert.equal(err.code, "ERR_SERVER");
    assert.equal(err.maybeApplied, true);
    assert.match(
      err.message,
      /after 3 attempts\. .* The change may have been applied all the same: `pulumi refresh`/,
    );
  });

  it("a synchronization cut off says it may have run; a Nexus sync says running it again is safe", async () => {
    emulator.setFaults({ cutAfterApplyRate: 1, operations: ["sync", "nexusSync"] });
    const sync = await rejection(cas.users.syncUser("u-ada", { email: "ada@example.com" }));
    assert.equal(sync.maybeApplied, true);
    assert.match(sync.message, /The synchronization may have run all the same: `pulumi refresh` shows/);
    const nexusSync = await rejection(
      nexus.api.syncUserIdentity("auth0|42", {
        audience: "https://app.example.com",
        attributes: [{ key: "upn", value: "jane@example.com" }],
        connection: { connectionId: "con_1", groups: [] },
      }),
    );
    assert.equal(nexusSync.code, "ERR_CONNECTION");
    assert.equal(nexusSync.maybeApplied, true);
    assert.match(nexusSync.message, /Nexus may have applied the sync all the same; running it again is safe/);
    assert.equal(api().length, 2 * (MAX_RETRIES + 1));
    noResume(api());
  });

  it("a read that fails the same ways never carries maybeApplied", async () => {
    emulator.setFaults({ cutAfterApplyRate: 1, operations: ["lookup"] });
    const cut = await rejection(cas.users.lookupUser("alan@example.com"));
    assert.equal(cut.code, "ERR_CONNECTION");
    assert.equal(cut.maybeApplied, undefined);
    assert.doesNotMatch(cut.message, /may have/);
    emulator.setFaults({ errorRate: 1, seed: 5, operations: ["lookup"] });
    const failing = await rejection(cas.users.lookupUser("alan@example.com"));
    assert.equal(failing.code, "ERR_SERVER");
    assert.equal(failing.maybeApplied, undefined);
  });

  it("a write the API refused (4xx) does not carry maybeApplied", async () => {
    emulator.updateUserOutOfBand("u-ada", { userStatus: "Disabled", markDeleted: true });
    const refused = await rejection(
      cas.users.setUserStatus("u-ada", "Enabled", { email: "ada@example.com" }),
    );
    assert.equal(refused.code, "ERR_PENDING_DELETION");
    assert.equal(refused.maybeApplied, undefined);
    emulator.updateUserOutOfBand("u-ada", { markDeleted: false });
    const missing = await rejection(cas.users.setUserStatus("u-nobody", "Disabled"));
    assert.equal(missing.code, "ERR_USER_NOT_FOUND");
    assert.equal(missing.maybeApplied, undefined);
  });
});
