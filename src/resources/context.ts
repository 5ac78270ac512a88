import type { CasClient, NexusClient } from "../client";

/** One status write, as the audit log records it. */
export interface AuditRecord {
  email: string;
  userId: string;
  from: string;
  to: string;
  /** The provider operation that wrote: `create` (adoption), `update`, or `delete` (a restore). */
  operation: "create" | "update" | "delete";
}

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
  /**
   * A stack setting that is not a credential, e.g. `securid:neverDisable`: the stack config first,
   * then its environment variable (`SECURID_NEVER_DISABLE`).
   */
  setting(key: string): string | undefined;
  /**
   * Appends one record to the audit log when one is configured (`securid:auditLogFile`); resolves
   * once the line is on disk.
   */
  audit(record: AuditRecord): Promise<void>;
}
