import * as securid from "pulumi-securid";

// The HR system's nightly export decides who may sign in with SecurID: a job commits the new
// hr-export.csv and runs `pulumi up`. Terminated workers and workers on leave are disabled, and
// enabled again when they come back. An export that changes more than 5% of the roster (a
// truncated file, a wrong filter) stops before any write until securid:confirmChanges confirms it.
const workforce = new securid.Roster("workforce", {
  file: "hr-export.csv",
  columns: { email: "Work Email", status: "Worker Status" },
  statusMap: {
    Active: "Enabled",
    "Leave of Absence": "Disabled",
    Terminated: "Disabled",
  },
  // Leavers stay in HR exports for years, long after CAS deleted them: nothing to disable there.
  // (An Active worker CAS does not know yet, a new hire before the directory sync, still fails.)
  ifMissing: "ignore",
  // 5% of the larger of the last applied and the new roster: 100 changes for 2,000 workers.
  maxChanges: "5%",
});

export const summary = workforce.summary;

// Workers of the export that CAS does not have (leavers it has deleted).
export const notInCas = workforce.statuses.apply((statuses) =>
  Object.keys(statuses).filter((email) => statuses[email] === "Absent"),
);
