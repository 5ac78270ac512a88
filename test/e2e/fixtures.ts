/** What the end-to-end scenarios share: where the repository is, and how to read the emulator's log. */
import path from "node:path";
import type { Emulator, RequestLogEntry } from "../../src/emulator";

/** The repository root: the plugin's working directory when resources are serialized from the sources. */
export const ROOT = path.resolve(__dirname, "../..");

/** The API requests (not the admin calls) the emulator received while `action` ran. */
export async function requestsDuring(
  emulator: Emulator,
  action: () => Promise<unknown>,
): Promise<RequestLogEntry[]> {
  const before = emulator.requests.length;
  await action();
  return emulator.requests.slice(before).filter((r) => r.api !== "admin");
}

/** The operations of a list of requests, in order: `["lookup", "setStatus"]`. */
export function operations(requests: RequestLogEntry[]): string[] {
  return requests.map((r) => r.operation);
}
