import type { CasUser } from "../client";
import { hasErrorCode, UserNotFoundError } from "../errors";
import type { ProviderContext } from "./context";

/**
 * Looks a CAS user up by email for a resource that needs the user to exist. A 404 becomes an error
 * with `message` (what was not done) and what to check.
 */
export async function lookupExistingUser(
  ctx: ProviderContext,
  email: string,
  searchUnsynched: boolean,
  message: string,
): Promise<CasUser> {
  const cas = await ctx.cas();
  try {
    return await cas.users.lookupUser(email, { searchUnsynched });
  } catch (err) {
    if (!hasErrorCode(err, "ERR_USER_NOT_FOUND")) throw err;
    throw new UserNotFoundError(message, {
      user: email,
      cause: err,
      hint: searchUnsynched
        ? "Check the address: neither CAS nor its identity sources know it."
        : "Check the address, or set `searchUnsynched: true` if the user exists in the identity source but is not yet synchronized to CAS.",
    });
  }
}

/** Looks a user up by email: `undefined` when CAS has no such user. */
export async function findUser(
  ctx: ProviderContext,
  email: string,
  searchUnsynched: boolean,
): Promise<CasUser | undefined> {
  const cas = await ctx.cas();
  try {
    return await cas.users.lookupUser(email, { searchUnsynched });
  } catch (err) {
    if (hasErrorCode(err, "ERR_USER_NOT_FOUND")) return undefined;
    throw err;
  }
}
