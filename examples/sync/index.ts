import * as pulumi from "@pulumi/pulumi";
import * as securid from "pulumi-securid";
import records from "./hr-records.json";

// One HR record per user. Bumping a record's `version` (the HR system does it on every change)
// makes the next `pulumi up` synchronize that user from the identity source, once; an `up` with no
// new version sends nothing for it.
//
// Order matters: a sync applies the directory, which can disable the user or mark them for
// deletion. The UserStatus therefore depends on the UserSync, so that the status is enforced on the
// user as the sync left them. If the stack wants "Enabled" a user the directory has disabled, the
// UserStatus fails with ERR_DISABLED_BY_SYNC: enable the user in the directory first.
const users = records.map((record) => {
  const sync = new securid.UserSync(`${record.email}-sync`, {
    email: record.email,
    triggers: [record.version],
  });
  const status = new securid.UserStatus(
    record.email,
    { email: record.email, status: record.status as securid.DesiredStatus },
    { dependsOn: [sync] },
  );
  return { record, sync, status };
});

// What the last sync did to each user, and the status enforced afterwards.
export const report = users.map(({ record, sync, status }) => ({
  email: sync.email,
  hrVersion: record.version,
  lastSyncTime: sync.lastSyncTime,
  statusBeforeSync: sync.statusBefore,
  statusAfterSync: sync.statusAfter,
  syncChangedStatus: sync.statusChanged,
  status: status.status,
}));

// The users whose last sync disabled them or marked them for deletion: worth a look.
export const changedBySync = pulumi
  .all(users.map(({ sync }) => pulumi.all([sync.email, sync.statusChanged])))
  .apply((rows) => rows.filter(([, changed]) => changed === true).map(([email]) => email));
