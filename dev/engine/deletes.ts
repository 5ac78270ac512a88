/**
 * Deletes in reverse dependency order (pulumi/pulumi `step_generator.go` ScheduleDeletes): a resource is deleted
 * only after everything that depends on it (its children, the resources listing it in their dependencies or
 * property dependencies) is deleted; independent deletes run at once, up to the executor's parallelism.
 */
import { dependenciesOf, type ResourceRecord } from "./checkpoint";
import type { StepExecutor } from "./executor";

export interface DeleteOutcome {
  deleted: ResourceRecord[];
  /** Deletes that failed or never started because one failed. */
  notDeleted: ResourceRecord[];
}

export async function deleteInReverseDependencyOrder(
  records: readonly ResourceRecord[],
  executor: StepExecutor,
  deleteOne: (r: ResourceRecord) => Promise<void>,
): Promise<DeleteOutcome> {
  const byUrn = new Map<string, ResourceRecord[]>();
  for (const r of records) byUrn.set(r.urn, [...(byUrn.get(r.urn) ?? []), r]);
  const mustGoFirst = new Map<ResourceRecord, ResourceRecord[]>(records.map((r) => [r, []]));
  for (const dependent of records) {
    for (const urn of dependenciesOf(dependent)) {
      for (const r of byUrn.get(urn) ?? []) if (r !== dependent) mustGoFirst.get(r)!.push(dependent);
    }
  }
  const started = new Map<ResourceRecord, Promise<void>>();
  const deleted: ResourceRecord[] = [];
  const start = (r: ResourceRecord, path: Set<ResourceRecord>): Promise<void> => {
    const existing = started.get(r);
    if (existing) return existing;
    const before = mustGoFirst.get(r)!.filter((d) => !path.has(d));
    const next = new Set(path).add(r);
    const p = Promise.all(before.map((d) => start(d, next))).then(() =>
      executor.run(async () => {
        await deleteOne(r);
        deleted.push(r);
      }),
    );
    started.set(r, p);
    return p;
  };
  await Promise.allSettled(records.map((r) => start(r, new Set())));
  const gone = new Set(deleted);
  return { deleted, notDeleted: records.filter((r) => !gone.has(r)) };
}
