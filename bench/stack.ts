/**
 * A stack of `UserStatus` resources driven through the REAL dynamic-provider plugin over gRPC (the engine
 * stand-in in dev/engine), the way `pulumi up` and `pulumi refresh` drive it, with at most `parallel` operations in flight.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Emulator } from "../src/emulator";
import { providerFor } from "../src/resources/thin-provider";
import {
  Engine,
  dynamicType,
  serializeProvider,
  startPlugin,
  type PluginClient,
  type ResourceGoal,
  type ResourceState,
  type InstalledProgram,
  type UpResult,
} from "../dev/engine";
import type { DesiredUser } from "./workload";

const ROOT = path.resolve(__dirname, "..");
export const USER_STATUS_TYPE = dynamicType("securid", "UserStatus");

/** The `__provider` text every `UserStatus` carries (twice in the state: inputs and outputs). */
export function userStatusProviderText(): Promise<string> {
  return serializeProvider(providerFor("UserStatus"));
}

export interface StackOptions {
  /** Where the credentials come from: an emulator in this thread or in a worker. */
  emulator: Pick<Emulator, "url" | "oauthClient" | "writeKeyFile">;
  /** The emulator's legacy key file (default), or its OAuth client. */
  credentials?: "legacy" | "oauth";
  /** Stack config besides the credentials (e.g. `securid:maxConcurrency`); wins over them. */
  config?: Record<string, string>;
  /** Extra plugin environment. */
  env?: NodeJS.ProcessEnv;
  /**
   * Run the package as users install it (`npm pack` + `npm install`, compiled JavaScript, a 275-byte
   * `__provider`); without it, this repository's TypeScript sources.
   */
  program?: InstalledProgram;
}

export interface OpResult {
  ok: number;
  failed: number;
  /** The first few error messages. */
  errors: string[];
  /** Resource states aligned with the users; `undefined` where the operation failed. */
  states: (ResourceState | undefined)[];
  /** Every error, aligned with the users; `undefined` where the operation succeeded. */
  reasons: unknown[];
}

/** Stack config for the emulator's credentials, and which of its keys are secrets. */
async function credentialsConfig(
  emulator: Pick<Emulator, "url" | "oauthClient" | "writeKeyFile">,
  kind: "legacy" | "oauth",
  work: string,
): Promise<{ config: Record<string, string>; secrets: string[] }> {
  if (kind === "legacy")
    return { config: { "securid:apiKeyFile": await emulator.writeKeyFile(work) }, secrets: [] };
  const client = emulator.oauthClient;
  return {
    config: {
      "securid:oauthIssuerUrl": client.issuerUrl,
      "securid:oauthClientId": client.clientId,
      "securid:oauthPrivateKey": JSON.stringify(client.privateJwk),
      "securid:adminRestApiUrl": emulator.url,
    },
    secrets: ["securid:oauthPrivateKey"],
  };
}

/** One plugin process configured with the emulator's credentials. */
export class Stack {
  private constructor(
    readonly plugin: PluginClient,
    readonly engine: Engine,
    private readonly provider: string,
    private readonly work: string,
  ) {}

  static async start(opts: StackOptions): Promise<Stack> {
    const work = mkdtempSync(path.join(tmpdir(), "securid-bench-"));
    const credentials = await credentialsConfig(opts.emulator, opts.credentials ?? "legacy", work);
    const provider = opts.program
      ? await opts.program.serializedProvider("UserStatus")
      : await userStatusProviderText();
    const plugin = await startPlugin({
      cwd: opts.program?.dir ?? ROOT,
      // Nothing from the caller's environment decides the credentials or the knobs.
      env: {
        SECURID_API_KEY_FILE: "",
        SECURID_API_KEY: "",
        SECURID_OAUTH_ISSUER_URL: "",
        SECURID_OAUTH_CLIENT_ID: "",
        SECURID_OAUTH_PRIVATE_KEY: "",
        SECURID_OAUTH_PRIVATE_KEY_FILE: "",
        SECURID_ADMIN_REST_API_URL: "",
        SECURID_MAX_CONCURRENCY: "",
        SECURID_MAX_RETRIES: "",
        SECURID_REQUEST_TIMEOUT_SECONDS: "",
        SECURID_MAX_REQUESTS_PER_SECOND: "",
        ...opts.env,
      },
    });
    await plugin.configure({ ...credentials.config, ...opts.config }, credentials.secrets);
    const stack = new Stack(plugin, new Engine(plugin), provider, work);
    // Load the provider code in the plugin (ts-node, client modules) before anything is timed.
    await plugin.check(
      plugin.urn(USER_STATUS_TYPE, "warm-up"),
      {},
      stack.goal({
        email: "warm-up@bench.example",
        status: "Enabled",
        needsWrite: false,
      }).inputs,
    );
    return stack;
  }

  goal(user: DesiredUser, index = 0): ResourceGoal {
    return {
      type: USER_STATUS_TYPE,
      name: `user-${index}`,
      inputs: { email: user.email, status: user.status, __provider: this.provider },
    };
  }

  /** `pulumi up` of every user (creates, or no-op updates when `states` are given). */
  async up(
    users: readonly DesiredUser[],
    parallel: number,
    states: (ResourceState | undefined)[] = [],
  ): Promise<OpResult & { ops: Record<string, number> }> {
    const results = await this.engine.upMany(
      users.map((u, i) => this.goal(u, i)),
      states,
      { parallel, continueOnError: true },
    );
    const ops: Record<string, number> = {};
    for (const r of results) if (r.status === "fulfilled") ops[r.value.op] = (ops[r.value.op] ?? 0) + 1;
    return { ...summarize(results, (r: UpResult) => r.state), ops };
  }

  /** `pulumi refresh` of every state, `parallel` at a time. */
  async refresh(states: readonly ResourceState[], parallel: number): Promise<OpResult> {
    const results = await pool(states, parallel, (s) => this.engine.refresh(s));
    return summarize(results, (s) => s);
  }

  async stop(): Promise<void> {
    await this.plugin.stop();
    rmSync(this.work, { recursive: true, force: true });
  }
}

function summarize<T>(
  results: PromiseSettledResult<T>[],
  state: (value: T) => ResourceState | undefined,
): OpResult {
  const errors: string[] = [];
  let ok = 0;
  const states = results.map((r) => {
    if (r.status === "fulfilled") {
      ok += 1;
      return state(r.value);
    }
    if (errors.length < 5) errors.push(r.reason instanceof Error ? r.reason.message : String(r.reason));
    return undefined;
  });
  const reasons = results.map((r) => (r.status === "rejected" ? r.reason : undefined));
  return { ok, failed: results.length - ok, errors, states, reasons };
}

/** Runs `fn` over `items` with at most `parallel` in flight; results aligned with `items`. */
export async function pool<I, O>(
  items: readonly I[],
  parallel: number,
  fn: (item: I) => Promise<O>,
): Promise<PromiseSettledResult<O>[]> {
  const results: PromiseSettledResult<O>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) {
      try {
        results[i] = { status: "fulfilled", value: await fn(items[i]!) };
      } catch (reason) {
        results[i] = { status: "rejected", reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
  return results;
}
