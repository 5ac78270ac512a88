/**
 * The emulator's own control API under `/__emulator/` (JSON, no authentication): users, the request
 * log, stats and the rate limit, fault and latency knobs. For the CLI and for tests in other processes.
 */
import { z } from "zod";
import { isJsonContentType, json, parseJson, type Reply, type RequestContext, type Route } from "./http";
import type { Emulator } from "./types";

export const ADMIN_BASE_PATH = "/__emulator";

const operation = z.enum(["lookup", "search", "setStatus", "sync", "token", "nexusSync", "admin", "unknown"]);
const nullableString = z.string().nullable();

const userFields = z.object({
  id: z.string().min(1),
  emailAddress: z.string().min(1),
  firstName: z.string(),
  lastName: z.string(),
  identitySource: z.string(),
  userStatus: z.enum(["Enabled", "Disabled"]),
  markDeleted: z.boolean(),
  markDeletedAt: nullableString,
  markDeletedBy: nullableString,
  smsNumber: nullableString,
  voiceNumber: nullableString,
  lastSyncTime: nullableString,
  creationDate: z.string(),
  synchronized: z.boolean(),
  disabledBySync: z.boolean(),
  directoryStatus: z.enum(["Enabled", "Disabled", "Deleted"]),
  highRiskUser: z.boolean(),
  isTokenLocked: z.boolean(),
  isSmsLocked: z.boolean(),
  isVoiceLocked: z.boolean(),
  emergencyAccessStatus: z.enum(["Enabled", "Disabled", "Locked"]),
  monthLastAuthenticated: nullableString,
});
const patchSchema = userFields.partial();
const seedSchema = userFields.partial().required({ emailAddress: true });
const seedsSchema = z.union([z.array(seedSchema), seedSchema]);

const nexusSeedSchema = z.object({
  userId: z.string().min(1),
  givenName: z.string().min(1),
  familyName: z.string().min(1),
  displayName: z.string().min(1).optional(),
  emailAddress: z.string().optional(),
  roles: z.array(z.string()).optional(),
});
const nexusSeedsSchema = z.union([z.array(nexusSeedSchema), nexusSeedSchema]);

const rateLimitSchema = z
  .object({
    requestsPerSecond: z.number().positive(),
    burst: z.number().int().min(1),
    retryAfterSeconds: z.number().min(0).optional(),
    operations: z.array(operation).optional(),
  })
  .nullable();

const rate = z.number().min(0).max(1).optional();
const faultsSchema = z
  .object({
    errorRate: rate,
    dropAfterApplyRate: rate,
    garbageRate: rate,
    cutAfterApplyRate: rate,
    garbageKind: z.enum(["invalid-json", "wrong-types", "html"]).optional(),
    hang: z.boolean().optional(),
    seed: z.number().int().optional(),
    operations: z.array(operation).optional(),
  })
  .nullable();

const latencySchema = z.union([z.object({ ms: z.number().min(0) }), z.number().min(0)]);

function badRequest(description: string): Reply {
  return json(400, { code: "400 BAD_REQUEST", description });
}

/** Parses and validates a JSON body; the 400/415 reply when it is not acceptable. */
function body<T>(
  ctx: RequestContext,
  schema: z.ZodType<T>,
): { ok: true; value: T } | { ok: false; reply: Reply } {
  if (!isJsonContentType(ctx.headers))
    return { ok: false, reply: badRequest("Content-Type must be application/json") };
  const parsed = parseJson(ctx.body);
  if (!parsed.ok) return { ok: false, reply: badRequest("The body is not valid JSON") };
  const result = schema.safeParse(parsed.value);
  if (!result.success) return { ok: false, reply: badRequest(z.prettifyError(result.error)) };
  return { ok: true, value: result.data };
}

type Handler = (ctx: RequestContext, arg: string | undefined) => Reply;

function handlers(emulator: Emulator): Record<string, Handler> {
  const notFound = (what: string) => json(404, { code: "404 NOT_FOUND", description: `${what} not found` });
  return {
    "GET users": () => json(200, emulator.listUsers()),
    "POST users": (ctx) => {
      const seeds = body(ctx, seedsSchema);
      if (!seeds.ok) return seeds.reply;
      return json(201, emulator.seedUsers(Array.isArray(seeds.value) ? seeds.value : [seeds.value]));
    },
    "GET users/": (_ctx, key) => {
      const user = emulator.getUser(key!);
      return user ? json(200, user) : notFound(`User ${key}`);
    },
    "PATCH users/": (ctx, key) => {
      const patch = body(ctx, patchSchema);
      if (!patch.ok) return patch.reply;
      if (!emulator.getUser(key!)) return notFound(`User ${key}`);
      return json(200, emulator.updateUserOutOfBand(key!, patch.value));
    },
    "DELETE users/": (_ctx, key) => {
      if (!emulator.getUser(key!)) return notFound(`User ${key}`);
      emulator.deleteUserOutOfBand(key!);
      return { status: 204 };
    },
    "GET nexus-users": () => json(200, emulator.listNexusUsers()),
    "POST nexus-users": (ctx) => {
      const seeds = body(ctx, nexusSeedsSchema);
      if (!seeds.ok) return seeds.reply;
      return json(201, emulator.seedNexusUsers(Array.isArray(seeds.value) ? seeds.value : [seeds.value]));
    },
    "GET nexus-users/": (_ctx, key) => {
      const user = emulator.getNexusUser(key!);
      return user ? json(200, user) : notFound(`Nexus user ${key}`);
    },
    "GET requests": () => json(200, emulator.requests),
    "DELETE requests": () => {
      emulator.clearRequests();
      return { status: 204 };
    },
    "GET stats": () => json(200, emulator.stats()),
    "PUT rate-limit": (ctx) => {
      const limit = body(ctx, rateLimitSchema);
      if (!limit.ok) return limit.reply;
      emulator.setRateLimit(limit.value ?? undefined);
      return json(200, { rateLimit: limit.value });
    },
    "PUT faults": (ctx) => {
      const faults = body(ctx, faultsSchema);
      if (!faults.ok) return faults.reply;
      emulator.setFaults(faults.value ?? undefined);
      return json(200, { faults: faults.value });
    },
    "PUT latency": (ctx) => {
      const latency = body(ctx, latencySchema);
      if (!latency.ok) return latency.reply;
      const ms = typeof latency.value === "number" ? latency.value : latency.value.ms;
      emulator.setLatency(ms);
      return json(200, { ms });
    },
    "POST revoke-tokens": () => {
      emulator.revokeTokens();
      return { status: 204 };
    },
  };
}

/** The admin router: decoded path segments under {@link ADMIN_BASE_PATH} to a route. */
export function adminRouter(emulator: Emulator): (method: string, parts: string[]) => Route {
  const table = handlers(emulator);
  return (method, parts) => {
    // parts: ["", "__emulator", resource, key?]
    const [resource = "", key] = parts.slice(2);
    const name =
      parts.length === 4 && key
        ? `${method} ${resource}/`
        : parts.length === 3
          ? `${method} ${resource}`
          : "";
    const handler = table[name];
    return {
      api: "admin",
      operation: "admin",
      write: false,
      handle: (ctx) =>
        handler ? handler(ctx, key) : json(404, { code: "404 NOT_FOUND", description: "No such admin call" }),
    };
  };
}
