import { emailProblem } from "../resources/email";
import { show } from "../resources/inputs";
import * as pulumi from "@pulumi/pulumi";
import { InvalidInputError } from "../errors";
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

/** Checks the arguments before anything is read or sent. */
function checkArgs(args: GetUserArgs): { email: string; searchUnsynched: boolean } {
  const email = args?.email;
  const problem = typeof email === "string" ? emailProblem(email) : "is not a string";
  if (problem !== undefined) {
    throw new InvalidInputError(
      `getUser: email must be an email address such as "jane.doe@example.com", got ${show(email)}: it ${problem}.`,
    );
  }
  const searchUnsynched = args.searchUnsynched ?? false;
  if (typeof searchUnsynched !== "boolean") {
    throw new InvalidInputError(
      `getUser: searchUnsynched must be true or false, got ${show(searchUnsynched)}.`,
    );
  }
  return { email: (email as string).trim(), searchUnsynched };
}

/**
 * Finds one CAS user by email (User Details API, one request), in the program: credentials come
 * from the stack config (`securid:*`), then from the `SECURID_*` environment variables, as for the
 * resources. A user who does not exist is an error with code `ERR_USER_NOT_FOUND`. Like every
 * function, it runs on `pulumi preview` too.
 */
export async function getUser(args: GetUserArgs): Promise<SecurIdUser> {
  const { email, searchUnsynched } = checkArgs(args);
  const cas = await programCasClient();
  const user = await cas.users.lookupUser(email, { searchUnsynched });
  return toSecurIdUser(user);
}

/**
 * {@link getUser} with `Input` arguments and an `Output` result. While an argument is unknown (a
 * preview, before the resource it comes from exists), nothing is sent and the result is unknown.
 */
export function getUserOutput(args: GetUserOutputArgs): pulumi.Output<SecurIdUser> {
  return pulumi.output(args).apply((a) => getUser({ email: a.email, searchUnsynched: a.searchUnsynched }));
}
