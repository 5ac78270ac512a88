/**
 * The addresses the program declares a `UserStatus` for, in the program's process. Two resources
 * that declare one address (the same string, or spellings differing only in case) would fight over
 * one CAS user and flip it on every run: the second declaration fails the program before it is
 * registered, so nothing of it is ever written.
 *
 * Kept on `globalThis`: a program may load two copies of this package.
 */
import * as pulumi from "@pulumi/pulumi";
import { InvalidInputError } from "../errors";
import { emailKey } from "./email";

const KEY = Symbol.for("pulumi-securid.declared-addresses");

function declared(): Map<string, string> {
  const holder = globalThis as { [KEY]?: Map<string, string> };
  return (holder[KEY] ??= new Map());
}

/** Fails when another resource of the program already declares `email`. */
function claim(resource: string, email: string): void {
  if (typeof email !== "string" || email.trim() === "") return; // check() reports it, with the fix
  const key = emailKey(email);
  const owner = declared().get(key);
  if (owner !== undefined && owner !== resource) {
    throw new InvalidInputError(
      `${resource} and ${owner} both declare the CAS user ${email.trim()} (addresses are compared ` +
        `case-insensitively): one user can have only one desired status.`,
      {
        user: email.trim(),
        hint: "Remove one of the two declarations; nothing was sent for the second.",
      },
    );
  }
  declared().set(key, resource);
}

/**
 * Registers the address of the resource `resource` (e.g. `UserStatus 'ada'`) and returns the input
 * to pass on: a plain string is checked now, an `Output` when it resolves (its registration then
 * fails, and with it the program).
 */
export function declareAddress(resource: string, email: pulumi.Input<string>): pulumi.Input<string> {
  if (typeof email === "string") {
    claim(resource, email);
    return email;
  }
  return pulumi.output(email).apply((value) => {
    claim(resource, value);
    return value;
  });
}

const labels = new WeakMap<pulumi.Resource, string>();

/** Names a component (e.g. `Roster 'staff'`) for the messages about the resources it parents. */
export function labelComponent(component: pulumi.Resource, label: string): void {
  labels.set(component, label);
}

/** How a message names a resource: `UserStatus 'ada'`, or `UserStatus 'ada' of Roster 'staff'`. */
export function resourceLabel(kind: string, name: string, parent: pulumi.Resource | undefined): string {
  const of = parent ? labels.get(parent) : undefined;
  return of ? `${kind} '${name}' of ${of}` : `${kind} '${name}'`;
}

/** Forgets every declaration (tests that build several programs in one process). */
export function resetDeclaredAddresses(): void {
  declared().clear();
}
