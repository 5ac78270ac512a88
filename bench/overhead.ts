/**
 * The HTTP client's own cost per request: pulumi-securid's client (limiter, retry, auth interceptors,
 * zod) against a bare undici `request`, serially, in one process, against an emulator with no latency.
 */
import { Agent, request } from "undici";
import { createCasClient, resolveCasSettings } from "../src/client";
import { startEmulator } from "../src/emulator";
import { seeds, workload } from "./workload";

export interface ClientOverhead {
  /** Mean ms per lookup through the client. */
  clientMs: number;
  /** Mean ms per lookup with a bare undici request (same token, same body). */
  rawMs: number;
}

export async function clientOverhead(n = 2000): Promise<ClientOverhead> {
  const users = workload(n);
  const emulator = await startEmulator({ users: seeds(users) });
  const settings = await resolveCasSettings(
    (key) => (key === "securid:apiKey" ? JSON.stringify(emulator.keyFile) : undefined),
    {},
  );
  const client = createCasClient(settings);
  const agent = new Agent();
  try {
    const token = await client.tokens.getToken();
    const raw = async (email: string) => {
      const res = await request(`${emulator.url}v1/users/lookup`, {
        dispatcher: agent,
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ email, searchUnsynched: false }),
      });
      return JSON.parse(await res.body.text()) as unknown;
    };
    const time = async (fn: (email: string) => Promise<unknown>) => {
      const started = performance.now();
      for (const u of users) await fn(u.email);
      return (performance.now() - started) / users.length;
    };
    // Warm both paths up (JIT, connections), then measure each twice and keep the better run.
    await time((e) => client.users.lookupUser(e));
    await time(raw);
    const clientMs = Math.min(
      await time((e) => client.users.lookupUser(e)),
      await time((e) => client.users.lookupUser(e)),
    );
    const rawMs = Math.min(await time(raw), await time(raw));
    return { clientMs, rawMs };
  } finally {
    await agent.close();
    await client.close();
    await emulator.close();
  }
}
