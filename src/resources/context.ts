import type { CasClient, NexusClient } from "../client";

/**
 * What a resource implementation needs from its surroundings. The plugin builds one from the stack
 * config and the environment (`provider-entry.ts`); tests build one around an emulator.
 */
export interface ProviderContext {
  /** The CAS client of the configured tenant, shared by every resource of the process. */
  cas(): Promise<CasClient>;
  /** The Nexus client of the configured base URL, shared likewise. */
  nexus(): Promise<NexusClient>;
  /** Prints one line to the `pulumi up` output. */
  log(line: string): void;
}
