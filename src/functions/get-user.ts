import * as pulumi from "@pulumi/pulumi";
import { programCasClient } from "./program-context";
import { toSecurIdUser, type SecurIdUser } from "./user";

/** The arguments of {@link getUser}. */
export interface GetUserArgs {
  /** The user's email address (compared case-insensitively). */
  email: string;
  /** Also look in the identity source for a user not yet synchronized (slower). Default `false`. */
  searchUnsynched?: boolean;
}

/** The arguments of {@link getUserOutput}. */
export interface GetUserOutputArgs {
  /** The user's email address. */
  email: pulumi.Input<string>;
  /** Also look in the identity source for a user not yet synchronized. Default `false`. */
  searchUnsynched?: pulumi.Input<boolean>;
}

/**
 * Finds one CAS user by email (User Details API), in the program: credentials come from the stack
 * config (`securid:*`), then from the `SECURID_*` environment variables. A user who does not exist
 * is an error with code `ERR_USER_NOT_FOUND`.
 */
export async function getUser(args: GetUserArgs): Promise<SecurIdUser> {
  const cas = await programCasClient();
  const user = await cas.users.lookupUser(args.email, { searchUnsynched: args.searchUnsynched ?? false });
  return toSecurIdUser(user);
}

/** {@link getUser} with `Input` arguments and an `Output` result. */
export function getUserOutput(args: GetUserOutputArgs): pulumi.Output<SecurIdUser> {
  return pulumi.output(args).apply((a) => getUser({ email: a.email, searchUnsynched: a.searchUnsynched }));
}
