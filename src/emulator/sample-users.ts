/** The users the CLI starts with unless given a file: one of each interesting kind. */
import type { NexusSeedUser, SeedUser } from "./types";

export const SAMPLE_USERS: readonly SeedUser[] = [
  { id: "0b1f4a52-8c1e-4f0e-9d6a-1a2b3c4d5e01", emailAddress: "alice.enabled@example.com" },
  {
    id: "0b1f4a52-8c1e-4f0e-9d6a-1a2b3c4d5e02",
    emailAddress: "bob.disabled@example.com",
    userStatus: "Disabled",
  },
  {
    id: "0b1f4a52-8c1e-4f0e-9d6a-1a2b3c4d5e03",
    emailAddress: "carol.pending@example.com",
    userStatus: "Disabled",
    markDeleted: true,
    markDeletedBy: "admin@example.com",
  },
  {
    id: "0b1f4a52-8c1e-4f0e-9d6a-1a2b3c4d5e04",
    emailAddress: "dave.syncdisabled@example.com",
    userStatus: "Disabled",
    disabledBySync: true,
    directoryStatus: "Disabled",
  },
  {
    id: "0b1f4a52-8c1e-4f0e-9d6a-1a2b3c4d5e05",
    emailAddress: "erin.unsynced@example.com",
    synchronized: false,
  },
  {
    id: "0b1f4a52-8c1e-4f0e-9d6a-1a2b3c4d5e06",
    emailAddress: "frank.leaver@example.com",
    directoryStatus: "Deleted",
    smsNumber: "+15555550106",
    voiceNumber: "+15555550106",
  },
];

export const SAMPLE_NEXUS_USERS: readonly NexusSeedUser[] = [
  {
    userId: "auth0|emulator-alice",
    givenName: "Alice",
    familyName: "Enabled",
    emailAddress: "alice.enabled@example.com",
  },
];
