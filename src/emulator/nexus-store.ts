/** Nexus users: storage, the effect of a SyncUserIdentity call, and the answer it gives. */
import { createHash } from "node:crypto";
import type { NexusSeedUser, NexusSyncBody, NexusUser } from "./types";

/** Attribute keys (OIDC claim names and common SAML ones) that update a Nexus user's fields. */
const GIVEN_NAME = ["given_name", "givenName", "firstName"];
const FAMILY_NAME = ["family_name", "familyName", "lastName", "surname"];
const DISPLAY_NAME = ["name", "displayName", "display_name"];
const EMAIL = ["email", "emailAddress", "mail"];

function pick(attributes: Record<string, string>, keys: string[]): string | undefined {
  for (const key of keys) {
    const value = attributes[key];
    if (value !== undefined && value !== "") return value;
  }
  return undefined;
}

/** A stable fake id derived from a string (for the role and attribute ids of the answer). */
function stableId(text: string): string {
  const hex = createHash("sha256").update(text).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export class NexusStore {
  private readonly users = new Map<string, NexusUser>();

  seed(seeds: NexusSeedUser[]): NexusUser[] {
    return seeds.map((seed) => {
      const user: NexusUser = {
        userId: seed.userId,
        givenName: seed.givenName,
        familyName: seed.familyName,
        displayName: seed.displayName ?? `${seed.givenName} ${seed.familyName}`,
        emailAddress: seed.emailAddress ?? null,
        upn: null,
        roles: [...(seed.roles ?? ["User"])],
        attributes: {},
        lastSync: null,
        lastSyncTime: null,
        syncCount: 0,
      };
      this.users.set(user.userId, user);
      return structuredClone(user);
    });
  }

  find(userId: string): NexusUser | undefined {
    return this.users.get(userId);
  }

  list(): NexusUser[] {
    return [...this.users.values()];
  }

  /** Applies a sync: the user's fields follow the identity provider's claims. */
  sync(user: NexusUser, body: NexusSyncBody, now: number): void {
    const attributes = Object.fromEntries(body.attributes.map((a) => [a.key, a.value]));
    const before = `${user.givenName} ${user.familyName}`;
    user.givenName = pick(attributes, GIVEN_NAME) ?? user.givenName;
    user.familyName = pick(attributes, FAMILY_NAME) ?? user.familyName;
    const renamed = `${user.givenName} ${user.familyName}` !== before;
    user.displayName =
      pick(attributes, DISPLAY_NAME) ?? (renamed ? `${user.givenName} ${user.familyName}` : user.displayName);
    user.emailAddress = pick(attributes, EMAIL) ?? user.emailAddress;
    if (body.clientUpnKey) user.upn = attributes[body.clientUpnKey] ?? user.upn;
    user.attributes = attributes;
    user.lastSync = structuredClone(body);
    user.lastSyncTime = new Date(now).toISOString();
    user.syncCount += 1;
  }
}

/** The 200 answer of SyncUserIdentity: a reduced but well-typed `user`, and the summary fields. */
export function nexusSyncAnswer(user: NexusUser): Record<string, unknown> {
  const at = user.lastSyncTime ?? new Date(0).toISOString();
  const roles = user.roles.map((name) => ({
    id: stableId(`role:${name}`),
    name,
    expires: "9999-12-31T23:59:59Z",
    description: `${name} role`,
  }));
  const connection = user.lastSync?.connection;
  return {
    user: {
      id: user.userId,
      type: "User",
      roles,
      created: at,
      ownerId: null,
      picture: null,
      isActive: true,
      language: "en",
      memberOf: [],
      modified: at,
      nickname: user.givenName,
      username: user.upn ?? user.emailAddress ?? user.userId,
      createdBy: "emulator",
      givenName: user.givenName,
      attributes: Object.entries(user.attributes).map(([name, value], i) => ({
        id: i + 1,
        name,
        value,
        userId: user.userId,
        expires: null,
      })),
      customUpns:
        user.upn && user.lastSync?.clientUpnKey
          ? [
              {
                id: stableId(`upn:${user.userId}`),
                userId: user.userId,
                created: at,
                modified: at,
                createdBy: "emulator",
                modifiedBy: "emulator",
                clientUpnKey: user.lastSync.clientUpnKey,
                customUpnValue: user.upn,
              },
            ]
          : [],
      familyName: user.familyName,
      identities: connection
        ? [
            {
              id: 1,
              groups: connection.groups,
              strategy: "samlp",
              azoUserId: `samlp|${connection.connectionId}|${user.userId}`,
              idpTenantId: 1,
              loginDomain: user.emailAddress?.split("@")[1] ?? "example.com",
              azoTenantName: "emulator",
              idpTenantFqdn: "emulator.example.com",
              idpTenantName: "emulator",
              azoConnectionId: connection.connectionId,
            },
          ]
        : [],
      modifiedBy: "emulator",
      displayName: user.displayName,
      phoneNumber: null,
      emailAddress: user.emailAddress,
      isMfaDisabled: false,
      subscriptions: [],
      "email-verified": true,
      organizationId: 1,
      mfaEnrollmentStatus: "NotEnrolled",
      authenticationMethod: "Federated",
      applicationDeployments: [],
    },
    roles,
    userId: user.userId,
    givenName: user.givenName,
    familyName: user.familyName,
    displayName: user.displayName,
    isAuthenticated: true,
  };
}
