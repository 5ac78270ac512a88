/** CAS users: storage by id with a case-insensitive email index, and the API's view of a user. */
import { randomUUID } from "node:crypto";
import type { EmulatorUser, SeedUser } from "./types";

export type PendingDeletionStyle = "markDeleted" | "userStatus";

function titleCase(word: string): string {
  return word ? word[0]!.toUpperCase() + word.slice(1) : word;
}

/** A complete user from a seed, with plausible defaults. */
export function userFromSeed(given: SeedUser, now: number): EmulatorUser {
  const seed = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as SeedUser;
  const [first = "", last = ""] = seed.emailAddress.split("@")[0]!.split(/[._-]/);
  const at = new Date(now).toISOString();
  const synchronized = seed.synchronized ?? true;
  const disabledBySync = seed.disabledBySync ?? false;
  const markDeleted = seed.markDeleted ?? false;
  return {
    identitySource: "Emulator AD",
    smsNumber: null,
    voiceNumber: null,
    creationDate: at,
    ...seed,
    id: seed.id ?? randomUUID(),
    firstName: seed.firstName ?? (titleCase(first) || "User"),
    lastName: seed.lastName ?? (titleCase(last) || "Emulated"),
    userStatus: seed.userStatus ?? (disabledBySync ? "Disabled" : "Enabled"),
    synchronized,
    disabledBySync,
    markDeleted,
    markDeletedAt: seed.markDeletedAt ?? (markDeleted ? at : null),
    markDeletedBy: seed.markDeletedBy ?? (markDeleted ? "admin@emulator.example" : null),
    lastSyncTime: seed.lastSyncTime !== undefined ? seed.lastSyncTime : synchronized ? at : null,
  };
}

/** The user as the User Details, Search and Synchronize User APIs answer it. */
export function toApiUser(
  user: EmulatorUser,
  style: PendingDeletionStyle = "markDeleted",
): Record<string, unknown> {
  return {
    id: user.id,
    emailAddress: user.emailAddress,
    firstName: user.firstName,
    lastName: user.lastName,
    creationDate: user.creationDate,
    identitySource: user.identitySource,
    userStatus: style === "userStatus" && user.markDeleted ? "Pending Deletion" : user.userStatus,
    markDeleted: user.markDeleted,
    highRiskUser: user.highRiskUser ?? false,
    markDeletedAt: user.markDeletedAt,
    markDeletedBy: user.markDeletedBy,
    smsNumber: user.smsNumber,
    voiceNumber: user.voiceNumber,
    isTokenLocked: user.isTokenLocked ?? false,
    isSmsLocked: user.isSmsLocked ?? false,
    isVoiceLocked: user.isVoiceLocked ?? false,
    lastSyncTime: user.lastSyncTime,
    emergencyAccessStatus: user.emergencyAccessStatus ?? "Disabled",
    emergencyTokencodeId: null,
    emergencyTokencodeExpiration: null,
    emergencyTokencodeLastUse: null,
    offlineEmergencyAccessStatus: "Disabled",
    offlineEmergencyTokencodeExpiration: null,
    monthLastAuthenticated: user.monthLastAuthenticated ?? null,
  };
}

/** Synchronize User: applies what the identity source says. It never re-enables a user (unconfirmed). */
export function syncFromDirectory(user: EmulatorUser, now: number): void {
  const at = new Date(now).toISOString();
  if (user.directoryStatus === "Disabled") {
    user.userStatus = "Disabled";
    user.disabledBySync = true;
  } else if (user.directoryStatus === "Deleted" && !user.markDeleted) {
    user.markDeleted = true;
    user.markDeletedAt = at;
    user.markDeletedBy = "Identity Source Sync";
  }
  user.synchronized = true;
  user.lastSyncTime = at;
}

/** Every address a lookup resolves to `user`, lower-cased: its email, then its aliases. */
function addressesOf(user: EmulatorUser): string[] {
  return [user.emailAddress, ...(user.aliases ?? [])].map((a) => a.toLowerCase());
}

export class UserStore {
  private readonly byId = new Map<string, EmulatorUser>();
  private readonly idByEmail = new Map<string, string>();

  constructor(private readonly clock: () => number) {}

  /** Adds users; a seed with the id or email of an existing user replaces it. */
  seed(seeds: SeedUser[]): EmulatorUser[] {
    return seeds.map((seed) => {
      const user = userFromSeed(seed, this.clock());
      const previous = this.byId.get(user.id) ?? this.find(user.emailAddress);
      if (previous) this.remove(previous);
      this.put(user);
      return { ...user };
    });
  }

  /** The stored (live) user by id or case-insensitive email. */
  find(emailOrId: string): EmulatorUser | undefined {
    const byId = this.byId.get(emailOrId);
    if (byId) return byId;
    const id = this.idByEmail.get(emailOrId.toLowerCase());
    return id === undefined ? undefined : this.byId.get(id);
  }

  findById(id: string): EmulatorUser | undefined {
    return this.byId.get(id);
  }

  findByEmail(email: string): EmulatorUser | undefined {
    const id = this.idByEmail.get(email.toLowerCase());
    return id === undefined ? undefined : this.byId.get(id);
  }

  list(): EmulatorUser[] {
    return [...this.byId.values()];
  }

  /** Applies a patch; the id and email indexes follow. */
  update(user: EmulatorUser, patch: Partial<EmulatorUser>): EmulatorUser {
    this.remove(user);
    Object.assign(user, patch);
    this.put(user);
    return user;
  }

  remove(user: EmulatorUser): void {
    this.byId.delete(user.id);
    for (const address of addressesOf(user)) {
      if (this.idByEmail.get(address) === user.id) this.idByEmail.delete(address);
    }
  }

  private put(user: EmulatorUser): void {
    this.byId.set(user.id, user);
    for (const address of addressesOf(user)) this.idByEmail.set(address, user.id);
  }
}
