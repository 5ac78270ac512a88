/** Provider contexts for the resource tests: what the plugin would give, minus the plugin. */
import assert from "node:assert/strict";
import type { AuditRecord, ProviderContext } from "../../src/resources/context";

/** A context built from the parts a test gives; the rest refuses to be used. */
export function testContext(
  parts: Partial<Omit<ProviderContext, "setting">> & { settings?: Record<string, string> } = {},
): ProviderContext & { audited: AuditRecord[] } {
  const audited: AuditRecord[] = [];
  return {
    cas: parts.cas ?? (() => Promise.reject(new Error("this test must not use CAS"))),
    nexus: parts.nexus ?? (() => Promise.reject(new Error("this test must not use Nexus"))),
    log: parts.log ?? (() => undefined),
    setting: (key) => parts.settings?.[key],
    audit:
      parts.audit ??
      (async (record) => {
        audited.push(record);
      }),
    audited,
  };
}

/** A context whose clients must never be reached and that must never print: check and diff. */
export function offlineContext(settings: Record<string, string> = {}): ProviderContext {
  return testContext({
    cas: () => Promise.reject(new Error("check/diff must not call the API")),
    nexus: () => Promise.reject(new Error("check/diff must not call the API")),
    log: () => assert.fail("check/diff must not print"),
    settings,
  });
}
