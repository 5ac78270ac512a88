/**
 * The emulator in a worker thread, so the API it stands for does not share an event loop (and its
 * timers) with the engine stand-in that drives the plugin: a real tenant answers from elsewhere.
 */
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { startEmulator, type EmulatorOptions } from "../src/emulator";

/** A request to the worker, answered with a message carrying the same `id`. */
export type WorkerRequest = { id: number; type: "snapshot" | "clear" | "close" };

if (!isMainThread && parentPort) {
  const port = parentPort;
  void startEmulator(workerData as EmulatorOptions).then((emulator) => {
    port.postMessage({
      ready: true,
      url: emulator.url,
      keyFile: emulator.keyFile,
      oauthClient: emulator.oauthClient,
    });
    port.on("message", async (msg: WorkerRequest) => {
      if (msg.type === "clear") emulator.clearRequests();
      if (msg.type === "close") await emulator.close();
      const snapshot =
        msg.type === "snapshot"
          ? {
              stats: emulator.stats(),
              requests: emulator.requests,
              users: emulator.listUsers().map((u) => [u.emailAddress.toLowerCase(), u.userStatus]),
            }
          : {};
      port.postMessage({ id: msg.id, ...snapshot });
    });
  });
}
