/**
 * Which CAS users the resources of the running deployment declare, as seen by the plugin process.
 *
 * The Pulumi CLI starts one dynamic-provider process per deployment and sends it, for every resource
 * the program declares, either a `diff` (the resource is in the state) or a `create` (it is new);
 * removals run last, after every declared resource was seen. So by the time a removal would restore
 * a status, this registry knows whether another resource of the stack still declares that user (a
 * rename), and a second declaration of one user (two addresses CAS resolves to one id) is caught
 * before it writes anything.
 *
 * Kept on `globalThis` so that two copies of this module (a state written by another version of the
 * package) share it within the process.
 */
import { emailKey } from "./email";

interface Registry {
  /** CAS user id -> the addresses (lower-cased) declaring it, with the address as written. */
  declared: Map<string, Map<string, string>>;
  /** CAS user id -> what a resource being replaced recorded as the user's `previousStatus`. */
  replacing: Map<string, string>;
}

const KEY = Symbol.for("pulumi-securid.deployment-claims");

function registry(): Registry {
  const holder = globalThis as { [KEY]?: Registry };
  return (holder[KEY] ??= { declared: new Map(), replacing: new Map() });
}

/**
 * Records that a resource declares CAS user `userId` by `email`. Returns the address of another
 * declaration of the same user, if there is one. The same address declaring again (a preview and an
 * update in one process, a retried step) is the same declaration.
 */
export function declareUser(userId: string, email: string): string | undefined {
  const declared = registry().declared;
  let byAddress = declared.get(userId);
  if (!byAddress) declared.set(userId, (byAddress = new Map()));
  byAddress.set(emailKey(email), email);
  for (const [key, written] of byAddress) if (key !== emailKey(email)) return written;
  return undefined;
}

/**
 * The address by which a resource of this deployment declares `userId`, if one does. A resource
 * being removed never declares (it is not in the program, or its replacement is), so any declaration
 * means the user belongs to another resource now.
 */
export function declaringAddress(userId: string): string | undefined {
  const byAddress = registry().declared.get(userId);
  return byAddress ? byAddress.values().next().value : undefined;
}

/** Notes that the resource managing `userId` is being replaced (its email changed). */
export function noteReplacing(userId: string, previousStatus: string): void {
  registry().replacing.set(userId, previousStatus);
}

/** What a resource being replaced recorded as `previousStatus` for `userId`, if one is. */
export function replacedPreviousStatus(userId: string): string | undefined {
  return registry().replacing.get(userId);
}

/** Forgets everything (tests that run several deployments in one process). */
export function resetDeploymentClaims(): void {
  const r = registry();
  r.declared.clear();
  r.replacing.clear();
}
