import * as securid from "pulumi-securid";

// The status of every CAS user in roster.yaml. A leaver is offboarded by a pull request that turns
// their "Enabled" into "Disabled": the pipeline's `pulumi preview` shows that one change, and
// `pulumi up` after the merge applies it. More than maxChanges changes at once (the first `up`
// included) wait for `securid:confirmChanges`; the break-glass account can never be disabled.
const staff = new securid.Roster("staff", {
  file: "roster.yaml",
  maxChanges: 3,
  neverDisable: ["break-glass@example.com"],
});

export const summary = staff.summary;
export const statuses = staff.statuses;
