import * as securid from "pulumi-securid";

// The roster of a GitOps repository. A pull request edits roster.yaml and the preview pipeline
// comments the plan on it; the merge runs `pulumi up`; a nightly drift check fails when a user in
// CAS no longer has the status declared here. Stack config securid:neverDisable (Pulumi.prod.yaml)
// protects the administrators; more than maxChanges changes need securid:confirmChanges.
const roster = new securid.Roster("roster", {
  file: "roster.yaml",
  maxChanges: 10,
});

// Only the counts: every status is in the state, and the plan comment stays short.
export const summary = roster.summary;
