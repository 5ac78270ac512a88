import * as securid from "pulumi-securid";
import users from "./users.json";

// One UserStatus per user in users.json: offboarding a leaver is a one-line pull request that
// changes "Enabled" to "Disabled"; `pulumi up` in the pipeline applies it.
const statuses = users.map(
  (user) =>
    new securid.UserStatus(user.email, {
      email: user.email,
      status: user.status as securid.DesiredStatus,
    }),
);

export const report = statuses.map((s) => ({ email: s.email, status: s.status, before: s.previousStatus }));
