import { createHash } from "node:crypto";
import { z } from "zod";
import { InvalidInputError, type SecurIdError } from "../errors";
import { DEFAULTS } from "./defaults";
import { userNotFoundError, type FailedCall } from "./http-errors";
import { staticAuth, type RequestAuth } from "./request-auth";
import type { Transport } from "./transport";

/** The body of `PUT /v1/users/{userId}/$sync`. */
export const nexusSyncRequestSchema = z.strictObject({
  audience: z.string().min(1),
  attributes: z.array(z.strictObject({ key: z.string(), value: z.string() })),
  connection: z.strictObject({ connectionId: z.string(), groups: z.array(z.string()) }),
  clientUpnKey: z.string().max(255).nullish(),
});

export type NexusSyncRequest = z.infer<typeof nexusSyncRequestSchema>;

/*
 * The sync has been carried out when its answer arrives: a field of another type than documented must
 * not turn it into a failure. Only `userId` stays strict; a name of another type reads as "", a flag
 * as null, a role's field as null, and a `roles` that is not a list as none.
 */
const lenientName = z
  .string()
  .nullish()
  .catch(null)
  .transform((v) => v ?? "");
const lenientText = z.string().nullish().catch(null);

const nexusRoleSchema = z.object({
  id: lenientText,
  name: lenientText,
  expires: lenientText,
  description: lenientText,
});

/** The answer of SyncUserIdentity; `user` (the full Nexus user) is passed through untyped. */
export const nexusSyncResultSchema = z.object({
  userId: z.string(),
  givenName: lenientName,
  familyName: lenientName,
  displayName: lenientName,
  isAuthenticated: z.boolean().nullish().catch(null),
  roles: z.array(nexusRoleSchema).nullish().catch(null),
  user: z.unknown().optional(),
});

export type NexusSyncResult = z.infer<typeof nexusSyncResultSchema>;

/** How the Nexus API is told who calls: HTTP Basic, or a bearer token with an application token header. */
export type NexusAuth =
  | { kind: "basic"; username: string; password: string }
  | { kind: "bearer"; bearerToken: string; applicationToken: string; applicationTokenHeader?: string };

/** The headers of {@link NexusAuth} (static: a refused attempt is not retried). */
export function nexusRequestAuth(auth: NexusAuth): RequestAuth {
  if (auth.kind === "basic") {
    const basic = Buffer.from(`${auth.username}:${auth.password}`, "utf8").toString("base64");
    return staticAuth(
      { authorization: `Basic ${basic}` },
      `Check nexus:username and nexus:password (NEXUS_USERNAME, NEXUS_PASSWORD) for user ${auth.username}.`,
    );
  }
  const header = (auth.applicationTokenHeader ?? DEFAULTS.nexusApplicationTokenHeader).toLowerCase();
  return staticAuth(
    { authorization: `Bearer ${auth.bearerToken}`, [header]: auth.applicationToken },
    `Check nexus:bearerToken (it may have expired), nexus:applicationToken and nexus:applicationTokenHeader (sent as "${header}").`,
  );
}

/** A non-secret fingerprint of Nexus credentials, for telling clients apart. */
export function nexusPrincipal(auth: NexusAuth): string {
  if (auth.kind === "basic") return `basic:${auth.username}`;
  return `bearer:${createHash("sha256").update(auth.bearerToken).digest("hex").slice(0, 12)}`;
}

function describeInputIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join(".") : "body"}: ${i.message}`).join("; ");
}

/** ECI Nexus user identity calls. */
export class NexusApi {
  constructor(private readonly transport: Transport) {}

  /** `PUT /v1/users/{userId}/$sync`: refreshes the Nexus user from identity-provider claims. */
  async syncUserIdentity(userId: string, body: NexusSyncRequest): Promise<NexusSyncResult> {
    if (typeof userId !== "string" || userId.trim() === "") {
      throw new InvalidInputError("Cannot synchronize a Nexus user identity: the user id is empty.");
    }
    const id = userId.trim();
    const checked = nexusSyncRequestSchema.safeParse(body);
    if (!checked.success) {
      throw new InvalidInputError(
        `Cannot synchronize Nexus user ${id}: ${describeInputIssues(checked.error)}.`,
        { user: id },
      );
    }
    const onError = (call: FailedCall): SecurIdError | undefined =>
      call.status === 404
        ? userNotFoundError(call, `no Nexus user has the id ${id}`, "Check the user id and nexus:baseUrl.")
        : undefined;
    return this.transport.request({
      method: "PUT",
      // The `$` is part of the path, not encoded.
      path: `/v1/users/${encodeURIComponent(id)}/$sync`,
      body: checked.data,
      schema: nexusSyncResultSchema,
      operation: `synchronize Nexus user ${id}`,
      user: id,
      onError,
      // Nexus has no call that reads a user without changing it: refresh cannot show the result.
      maybeAppliedHint:
        "Nexus may have applied the sync all the same; running it again is safe (the next `pulumi up` does).",
    });
  }
}
