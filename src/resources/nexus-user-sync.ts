import * as pulumi from "@pulumi/pulumi";
import type { ProviderContext } from "./context";
import { acceptedInputs, canonicalJson, defined, InputChecker, isUnknown, show } from "./inputs";
import { providerFor } from "./thin-provider";

/** One identity-provider claim sent to Nexus. */
export interface NexusAttribute {
  /** The claim name, e.g. `"upn"` or `"given_name"`. */
  key: string;
  /** The claim value. */
  value: string;
}

/** The identity-provider connection the user signed in through. */
export interface NexusConnection {
  /** The connection's id (an Auth0 connection id). */
  connectionId: string;
  /** The groups the identity provider reports for the user. Default `[]`. */
  groups?: string[];
}

/** The arguments of a {@link NexusUserSync}. */
export interface NexusUserSyncArgs {
  /** The Nexus user id. Changing it replaces the resource. */
  userId: pulumi.Input<string>;
  /** The audience (application) the identity is refreshed for. Non-empty. */
  audience: pulumi.Input<string>;
  /**
   * The identity provider's claims: a list of `{key, value}` (sent in its order) or a map of strings
   * (sent sorted by key, since Pulumi does not keep the order of a map). Stored as secrets.
   */
  attributes: pulumi.Input<pulumi.Input<NexusAttribute>[] | Record<string, pulumi.Input<string>>>;
  /** The connection the user signed in through. */
  connection: pulumi.Input<{
    connectionId: pulumi.Input<string>;
    groups?: pulumi.Input<pulumi.Input<string>[]>;
  }>;
  /** Which attribute holds the user's UPN (at most 255 characters; must be one of the attribute keys). */
  clientUpnKey?: pulumi.Input<string>;
  /** Any JSON values: the sync runs again whenever they change. */
  triggers?: pulumi.Input<pulumi.Input<unknown>[]>;
}

/** The inputs the provider receives after `check` (attributes always as an ordered list). */
export interface NexusUserSyncInputs {
  userId: string;
  audience: string;
  attributes: NexusAttribute[];
  connection: { connectionId: string; groups: string[] };
  clientUpnKey?: string;
  triggers?: unknown[];
}

/** The outputs the provider stores in the state. */
export interface NexusUserSyncOutputs extends NexusUserSyncInputs {
  displayName: string;
  givenName: string;
  familyName: string;
  isAuthenticated: boolean | null;
  roles: string[];
  upn: string | null;
}

/**
 * Outputs derived from the attributes, which carry personal data: the names Nexus answers come from
 * the claims sent, so they are as secret as the claims.
 */
const NEXUS_SECRET_OUTPUTS = ["attributes", "upn", "displayName", "givenName", "familyName"];

const INPUT_NAMES = ["userId", "audience", "attributes", "connection", "clientUpnKey", "triggers"] as const;
const UPN_KEY_MAX = 255;

function checkAttributes(check: InputChecker, value: unknown): NexusAttribute[] | undefined {
  if (isUnknown(value)) return value as unknown as NexusAttribute[];
  const example = '[{ key: "upn", value: "jane.doe@example.com" }] or { upn: "jane.doe@example.com" }';
  if (value === undefined || value === null) {
    check.fail("attributes", `attributes is required: the identity provider's claims, e.g. ${example}`);
    return undefined;
  }
  // Attribute values are personal data: no message below shows a value, only keys and positions.
  let list: unknown[];
  let at: (index: number, key: string) => string;
  if (Array.isArray(value)) {
    list = value;
    at = (index) => `attributes[${index}]`;
  } else if (typeof value === "object") {
    // A map has no order once it crosses the engine: it is sent sorted by key (code-unit order).
    list = Object.entries(value as Record<string, unknown>)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, v]) => ({ key, value: v }));
    at = (_index, key) => `attributes.${key}`;
  } else {
    check.fail(
      "attributes",
      `attributes must be a list of {key, value} or a map of strings, e.g. ${example}; got a ${typeof value}`,
    );
    return undefined;
  }
  const attributes: NexusAttribute[] = [];
  const seen = new Set<string>();
  for (const [index, item] of list.entries()) {
    const entry = item as { key?: unknown; value?: unknown } | null;
    if (isUnknown(item) || isUnknown(entry?.key) || isUnknown(entry?.value)) {
      attributes.push(item as NexusAttribute);
      continue;
    }
    if (!entry || typeof entry !== "object" || Array.isArray(entry)) {
      check.fail("attributes", `attributes[${index}] must be an object { key: "upn", value: "..." }`);
      return undefined;
    }
    if (typeof entry.key !== "string" || entry.key.trim() === "") {
      check.fail(
        "attributes",
        `attributes[${index}] must have a non-empty string key, e.g. { key: "upn", value: "..." }`,
      );
      return undefined;
    }
    const where = at(index, entry.key);
    if (typeof entry.value !== "string") {
      check.fail(
        "attributes",
        `${where} (key ${show(entry.key)}) must have a string value, got ${entry.value === null ? "null" : `a ${typeof entry.value}`}: convert it to a string`,
      );
      return undefined;
    }
    if (seen.has(entry.key)) {
      check.fail("attributes", `attributes has the key ${show(entry.key)} twice: keep one`);
      return undefined;
    }
    seen.add(entry.key);
    const extra = Object.keys(entry).filter((k) => k !== "key" && k !== "value");
    if (extra.length > 0) {
      check.fail(
        "attributes",
        `${where} has unknown properties ${extra.join(", ")}: only key and value are sent`,
      );
      return undefined;
    }
    attributes.push({ key: entry.key, value: entry.value });
  }
  return attributes;
}

function checkConnection(check: InputChecker, value: unknown): NexusUserSyncInputs["connection"] | undefined {
  if (isUnknown(value)) return value as unknown as NexusUserSyncInputs["connection"];
  const example = '{ connectionId: "con_123", groups: ["Sales"] }';
  if (value === undefined || value === null) {
    check.fail("connection", `connection is required: an object such as ${example}`);
    return undefined;
  }
  if (typeof value !== "object" || Array.isArray(value)) {
    check.fail("connection", `connection must be an object such as ${example}, got ${show(value)}`);
    return undefined;
  }
  const { connectionId, groups, ...rest } = value as { connectionId?: unknown; groups?: unknown };
  if (Object.keys(rest).length > 0) {
    check.fail(
      "connection",
      `connection has unknown properties ${Object.keys(rest).join(", ")}: only connectionId and groups are sent`,
    );
    return undefined;
  }
  if (!isUnknown(connectionId) && (typeof connectionId !== "string" || connectionId.trim() === "")) {
    check.fail(
      "connection.connectionId",
      `connection.connectionId must be a non-empty string such as "con_123", got ${show(connectionId)}`,
    );
    return undefined;
  }
  if (groups !== undefined && groups !== null && !isUnknown(groups)) {
    if (!Array.isArray(groups) || groups.some((g) => typeof g !== "string" && !isUnknown(g))) {
      check.fail(
        "connection.groups",
        `connection.groups must be a list of group names, e.g. ["Sales"], got ${show(groups)}`,
      );
      return undefined;
    }
  }
  return { connectionId: connectionId as string, groups: (groups ?? []) as string[] };
}

function upnOf(inputs: NexusUserSyncInputs): string | null {
  if (inputs.clientUpnKey === undefined) return null;
  return inputs.attributes.find((a) => a.key === inputs.clientUpnKey)?.value ?? null;
}

/**
 * The dynamic provider of {@link NexusUserSync}, run by the plugin process.
 *
 * @internal
 */
export function nexusUserSyncProvider(ctx: ProviderContext) {
  function validate(news: Record<string, unknown>): pulumi.dynamic.CheckResult<NexusUserSyncInputs> {
    const check = new InputChecker("NexusUserSync", news);
    const userId = check.pathSegment("userId", "auth0|5f7c8ec7c33c6c004bbafe82");
    const audience = check.string("audience", { required: true, example: "https://api.example.com" });
    const attributes = checkAttributes(check, news.attributes);
    const connection = checkConnection(check, news.connection);
    const clientUpnKey = check.string("clientUpnKey", {
      required: false,
      example: "upn",
      maxLength: UPN_KEY_MAX,
    });
    if (clientUpnKey !== undefined && !isUnknown(clientUpnKey) && attributes && Array.isArray(attributes)) {
      const known = attributes.filter((a) => !isUnknown(a) && !isUnknown(a.key)).map((a) => a.key);
      if (known.length === attributes.length && !known.includes(clientUpnKey)) {
        check.fail(
          "clientUpnKey",
          `clientUpnKey ${show(clientUpnKey)} must name one of the attributes (${known.map((k) => show(k)).join(", ") || "none given"}): add that attribute or fix the key`,
        );
      }
    }
    const triggers = news.triggers;
    if (triggers !== undefined && triggers !== null && !isUnknown(triggers) && !Array.isArray(triggers)) {
      check.fail("triggers", `triggers must be a list of values, e.g. ["v42"], got ${show(triggers)}`);
    }
    check.noOthers(INPUT_NAMES);
    if (check.failures.length > 0) return { failures: check.failures };
    return {
      inputs: defined({
        userId: userId as string,
        audience: audience as string,
        attributes: attributes as NexusAttribute[],
        connection: connection as NexusUserSyncInputs["connection"],
        clientUpnKey,
        triggers: triggers === null ? undefined : (triggers as unknown[] | undefined),
      }),
    };
  }

  const checked = (news: Record<string, unknown>): NexusUserSyncInputs => acceptedInputs(validate(news));

  async function sync(inputs: NexusUserSyncInputs): Promise<NexusUserSyncOutputs> {
    const nexus = await ctx.nexus();
    const answer = await nexus.api.syncUserIdentity(
      inputs.userId,
      defined({
        audience: inputs.audience,
        attributes: inputs.attributes,
        connection: inputs.connection,
        clientUpnKey: inputs.clientUpnKey,
      }),
    );
    // Names and counts only: attribute values and the UPN are personal data.
    const roles = (answer.roles ?? []).map((r) => r.name).filter((n): n is string => typeof n === "string");
    ctx.log(
      `nexus: synchronized user ${inputs.userId} for ${inputs.audience} (${inputs.attributes.length} attributes, roles: ${roles.join(", ") || "none"})`,
    );
    // The output userId stays the one configured (the resource id, compared by `diff`), even if
    // Nexus spells it differently in its answer: otherwise every later `up` would plan a replacement.
    return defined({
      ...inputs,
      userId: inputs.userId,
      displayName: answer.displayName,
      givenName: answer.givenName,
      familyName: answer.familyName,
      isAuthenticated: answer.isAuthenticated ?? null,
      roles,
      upn: upnOf(inputs),
    });
  }

  const sentFields = ["audience", "attributes", "connection", "clientUpnKey", "triggers"] as const;

  return {
    async check(_olds: unknown, news: Record<string, unknown>) {
      return validate(news);
    },

    async diff(
      _id: string,
      olds: NexusUserSyncOutputs,
      news: NexusUserSyncInputs,
    ): Promise<pulumi.dynamic.DiffResult> {
      if (isUnknown(news.userId) || olds.userId !== news.userId) {
        return { changes: true, replaces: ["userId"], deleteBeforeReplace: false };
      }
      const changed = sentFields.some((f) => canonicalJson(olds[f]) !== canonicalJson(news[f]));
      return { changes: changed };
    },

    async create(news: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult<NexusUserSyncOutputs>> {
      const outs = await sync(checked(news));
      return { id: outs.userId, outs };
    },

    async update(
      _id: string,
      _olds: NexusUserSyncOutputs,
      news: Record<string, unknown>,
    ): Promise<pulumi.dynamic.UpdateResult<NexusUserSyncOutputs>> {
      return { outs: await sync(checked(news)) };
    },

    async read(
      id: string,
      props: NexusUserSyncOutputs,
    ): Promise<pulumi.dynamic.ReadResult<NexusUserSyncOutputs>> {
      // Nexus has no call that reads a user without changing it: the state stays as the last sync left it.
      return { id, props };
    },

    async delete(): Promise<void> {
      // A sync cannot be undone; removing the resource only stops future syncs.
    },
  };
}

/**
 * Runs ECI Nexus `SyncUserIdentity` (`PUT /v1/users/{userId}/$sync`) for one user: refreshes the
 * Nexus user's identity, groups and UPN from an identity provider's claims, on create and once per
 * change of any input; an `up` where nothing changed sends nothing. Inputs are validated in `check`
 * (nothing is sent for invalid ones).
 *
 * Configuration (stack config, else the environment): `nexus:baseUrl` (`NEXUS_BASE_URL`, required),
 * and either HTTP Basic `nexus:username` + `nexus:password` (secret), or `nexus:bearerToken` +
 * `nexus:applicationToken` (secret) with `nexus:applicationTokenHeader` (default `ApplicationToken`).
 *
 * Attribute values and the UPN are personal data: they are stored as secrets. Nexus has no
 * side-effect-free read of a user, so `pulumi refresh` keeps the state as the last sync left it;
 * removing the resource sends nothing.
 *
 * @example
 * ```ts
 * new NexusUserSync("jane-nexus", {
 *   userId: "auth0|5f7c8ec7c33c6c004bbafe82",
 *   audience: "https://api.example.com",
 *   attributes: { upn: "jane.doe@corp.example.com", given_name: "Jane", family_name: "Doe" },
 *   connection: { connectionId: "con_123", groups: ["Sales"] },
 *   clientUpnKey: "upn",
 * });
 * ```
 */
export class NexusUserSync extends pulumi.dynamic.Resource {
  /** The Nexus user id. */
  declare readonly userId: pulumi.Output<string>;
  /** The user's display name, as Nexus answered (it comes from the secret attributes). Secret. */
  declare readonly displayName: pulumi.Output<string>;
  /** The user's given name, as Nexus answered. Secret. */
  declare readonly givenName: pulumi.Output<string>;
  /** The user's family name, as Nexus answered. Secret. */
  declare readonly familyName: pulumi.Output<string>;
  /** Whether Nexus reports the user as authenticated. */
  declare readonly isAuthenticated: pulumi.Output<boolean | null>;
  /** The names of the user's roles. */
  declare readonly roles: pulumi.Output<string[]>;
  /** The UPN value sent (the attribute named by `clientUpnKey`). Secret. */
  declare readonly upn: pulumi.Output<string | null>;
  /** The attributes sent, as an ordered list. Secret. */
  declare readonly attributes: pulumi.Output<NexusAttribute[]>;

  /**
   * @param name The unique name of the resource in the stack.
   * @param args The user, the audience and the identity provider's claims.
   * @param opts Resource options.
   */
  constructor(name: string, args: NexusUserSyncArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerFor("NexusUserSync"),
      name,
      {
        userId: args.userId,
        audience: args.audience,
        attributes: pulumi.secret(args.attributes),
        connection: args.connection,
        clientUpnKey: args.clientUpnKey,
        triggers: args.triggers,
        displayName: undefined,
        givenName: undefined,
        familyName: undefined,
        isAuthenticated: undefined,
        roles: undefined,
        upn: undefined,
      },
      {
        ...opts,
        additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...NEXUS_SECRET_OUTPUTS],
      },
      "nexus",
      "UserSync",
    );
  }
}
