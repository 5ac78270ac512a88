/** The bench's handle on an emulator running in a worker thread (see `emulator-worker.ts`). */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { Emulator, EmulatorOptions, EmulatorStats, RequestLogEntry } from "../src/emulator";
import type { WorkerRequest } from "./emulator-worker";

/** What the emulator knew at one moment. */
export interface EmulatorSnapshot {
  stats: EmulatorStats;
  requests: RequestLogEntry[];
  /** Lower-case email → status. */
  users: Map<string, string>;
}

export class RemoteEmulator implements Pick<Emulator, "url" | "keyFile" | "oauthClient"> {
  private nextId = 1;
  private readonly pending = new Map<number, (value: unknown) => void>();

  private constructor(
    private readonly worker: Worker,
    readonly url: string,
    readonly keyFile: Emulator["keyFile"],
    readonly oauthClient: Emulator["oauthClient"],
  ) {
    worker.on("message", (msg: { id?: number }) => {
      if (msg.id === undefined) return;
      this.pending.get(msg.id)?.(msg);
      this.pending.delete(msg.id);
    });
  }

  static start(opts: EmulatorOptions): Promise<RemoteEmulator> {
    const worker = new Worker(path.join(__dirname, "emulator-worker.ts"), { workerData: opts });
    return new Promise((resolve, reject) => {
      worker.once("error", reject);
      worker.once(
        "message",
        (msg: { url: string; keyFile: Emulator["keyFile"]; oauthClient: Emulator["oauthClient"] }) =>
          resolve(new RemoteEmulator(worker, msg.url, msg.keyFile, msg.oauthClient)),
      );
    });
  }

  private call<T>(type: WorkerRequest["type"]): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve as (value: unknown) => void);
      this.worker.postMessage({ id, type } satisfies WorkerRequest);
    });
  }

  /** The key file as the console hands it out (JSON), written to `dir`. */
  async writeKeyFile(dir: string): Promise<string> {
    const file = path.join(dir, `${this.keyFile.accessID}.key`);
    writeFileSync(file, JSON.stringify(this.keyFile, null, 2), { mode: 0o600 });
    return file;
  }

  clearRequests(): Promise<void> {
    return this.call("clear");
  }

  async snapshot(): Promise<EmulatorSnapshot> {
    const s = await this.call<{
      stats: EmulatorStats;
      requests: RequestLogEntry[];
      users: [string, string][];
    }>("snapshot");
    return { stats: s.stats, requests: s.requests, users: new Map(s.users) };
  }

  async close(): Promise<void> {
    await this.call("close");
    await this.worker.terminate();
  }
}
