/**
 * ECI Nexus SyncUserIdentity: `PUT /nexus/v1/users/{userId}/$sync` (the `$` literal, or `%24`).
 * ASP.NET Core order: authentication, media type, model validation, then the user.
 */
import { authenticateNexus } from "./auth";
import { problem } from "./bodies";
import {
  isJsonContentType,
  isRecord,
  json,
  parseJson,
  type Reply,
  type RequestContext,
  type Route,
} from "./http";
import { nexusSyncAnswer } from "./nexus-store";
import type { EmulatorState } from "./state";
import type { NexusSyncBody } from "./types";

export const NEXUS_BASE_PATH = "/nexus";
export const MAX_UPN_KEY_LENGTH = 255;

type Validated = { ok: true; body: NexusSyncBody } | { ok: false; errors: Record<string, string[]> };

function nonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

/** Validates a SyncUserIdentity body against the documented schema. */
export function validateNexusBody(value: unknown): Validated {
  const errors: Record<string, string[]> = {};
  const fail = (field: string, message: string) => (errors[field] ??= []).push(message);
  if (!isRecord(value)) return { ok: false, errors: { $: ["The request body must be a JSON object."] } };
  if (!nonEmptyString(value.audience)) fail("audience", "The audience field is required.");
  if (!Array.isArray(value.attributes)) fail("attributes", "The attributes field is required.");
  else {
    value.attributes.forEach((a: unknown, i) => {
      if (!isRecord(a)) return fail(`attributes[${i}]`, "An attribute must be an object {key, value}.");
      if (!nonEmptyString(a.key)) fail(`attributes[${i}].key`, "The key field is required.");
      if (typeof a.value !== "string") fail(`attributes[${i}].value`, "The value field must be a string.");
    });
  }
  const connection = value.connection;
  if (!isRecord(connection)) fail("connection", "The connection field is required.");
  else {
    if (!nonEmptyString(connection.connectionId))
      fail("connection.connectionId", "The connectionId field is required.");
    if (!Array.isArray(connection.groups) || !connection.groups.every((g) => typeof g === "string")) {
      fail("connection.groups", "The groups field must be an array of strings.");
    }
  }
  const upnKey = value.clientUpnKey;
  if (upnKey !== undefined && upnKey !== null) {
    if (typeof upnKey !== "string") fail("clientUpnKey", "The clientUpnKey field must be a string.");
    else if (upnKey.length > MAX_UPN_KEY_LENGTH) {
      fail(
        "clientUpnKey",
        `The field clientUpnKey must be a string with a maximum length of ${MAX_UPN_KEY_LENGTH}.`,
      );
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, body: value as unknown as NexusSyncBody };
}

function sync(state: EmulatorState, ctx: RequestContext, userId: string, instance: string): Reply {
  const auth = authenticateNexus(ctx.headers, state.nexus);
  if (auth.tokenId) ctx.note.tokenId = auth.tokenId;
  if (!auth.ok) {
    const reply = problem(auth.status, auth.detail, instance);
    if (auth.status === 401)
      reply.headers = { ...reply.headers, "www-authenticate": 'Basic realm="Nexus", Bearer' };
    return reply;
  }
  if (!isJsonContentType(ctx.headers)) {
    return problem(415, `Unsupported content type '${ctx.headers["content-type"] ?? ""}'.`, instance);
  }
  const parsed = parseJson(ctx.body);
  const validated: Validated = parsed.ok
    ? validateNexusBody(parsed.value)
    : { ok: false, errors: { $: ["The request body is not valid JSON."] } };
  if (!validated.ok) {
    const detail = Object.entries(validated.errors)
      .map(([field, messages]) => `${field}: ${messages.join(" ")}`)
      .join("; ");
    return problem(400, detail, instance, { errors: validated.errors });
  }
  const user = state.nexusUsers.find(userId);
  if (!user) return problem(404, `User ${userId} was not found.`, instance);
  state.nexusUsers.sync(user, validated.body, state.clock());
  return json(200, nexusSyncAnswer(user));
}

/** The Nexus route of a raw path under {@link NEXUS_BASE_PATH}. */
export function matchNexusRoute(
  state: EmulatorState,
  method: string,
  path: string,
  rawParts: string[],
): Route {
  // rawParts: ["", "nexus", "v1", "users", userId, "$sync"]
  const last = rawParts[5] ?? "";
  const isSync =
    rawParts.length === 6 && rawParts[2] === "v1" && rawParts[3] === "users" && /^(\$|%24)sync$/.test(last);
  const instance = isSync ? `/v1/users/${rawParts[4]}/$sync` : path.slice(NEXUS_BASE_PATH.length);
  let userId: string | undefined;
  try {
    userId = isSync ? decodeURIComponent(rawParts[4]!) : undefined;
  } catch {
    userId = undefined;
  }
  if (userId === undefined || userId === "") {
    return {
      api: "nexus",
      operation: "unknown",
      write: false,
      handle: () => problem(404, `No resource at ${instance}.`, instance),
    };
  }
  if (method !== "PUT") {
    return {
      api: "nexus",
      operation: "unknown",
      write: false,
      handle: () => {
        const reply = problem(405, `Method ${method} is not allowed.`, instance);
        return { ...reply, headers: { ...reply.headers, allow: "PUT" } };
      },
    };
  }
  const id = userId;
  return {
    api: "nexus",
    operation: "nexusSync",
    write: true,
    handle: (ctx) => {
      ctx.note.userId = id;
      return sync(state, ctx, id, instance);
    },
  };
}
