import { show } from "../resources/inputs";
import * as pulumi from "@pulumi/pulumi";
import { InvalidInputError } from "../errors";
import { programCasClient } from "./program-context";
import { toSecurIdUser, type SecurIdUser } from "./user";

/** The arguments of {@link searchUsers}. */
export interface SearchUsersArgs {
  /** A piece of the email address (a literal substring, no wildcards, compared case-insensitively). */
  emailLike: string;
  /** How many users at most, an integer from 1 to 25. Default 25. */
  pageSize?: number;
}

/** The arguments of {@link searchUsersOutput}. */
export interface SearchUsersOutputArgs {
  /** A piece of the email address. */
  emailLike: pulumi.Input<string>;
  /** How many users at most, an integer from 1 to 25. Default 25. */
  pageSize?: pulumi.Input<number>;
}

/** The result of {@link searchUsers}. */
export interface SearchUsersResult {
  /** The matching users: the exact match first, then by email. */
  users: SecurIdUser[];
  /** True when a full page came back: the API has no paging, so there may be more matches. */
  truncated: boolean;
}

/** Default and maximum page size of the User Search API. */
const MAX_PAGE_SIZE = 25;

/** Checks the arguments before anything is read or sent. */
function checkArgs(args: SearchUsersArgs): { emailLike: string; pageSize: number } {
  const emailLike = args?.emailLike;
  if (typeof emailLike !== "string" || emailLike.trim() === "") {
    throw new InvalidInputError(
      `searchUsers: emailLike must be a non-empty piece of an email address, e.g. "@example.com", got ${show(emailLike)}.`,
    );
  }
  const pageSize = args.pageSize ?? MAX_PAGE_SIZE;
  if (
    typeof pageSize !== "number" ||
    !Number.isInteger(pageSize) ||
    pageSize < 1 ||
    pageSize > MAX_PAGE_SIZE
  ) {
    throw new InvalidInputError(
      `searchUsers: pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${show(pageSize)}: the User Search API returns at most ${MAX_PAGE_SIZE} users and has no paging.`,
    );
  }
  return { emailLike: emailLike.trim(), pageSize };
}

/**
 * Searches CAS users whose email contains `emailLike` (User Search API, one request), in the program,
 * with the same credentials as {@link getUser}. No match gives `{ users: [], truncated: false }`.
 */
export async function searchUsers(args: SearchUsersArgs): Promise<SearchUsersResult> {
  const { emailLike, pageSize } = checkArgs(args);
  const cas = await programCasClient();
  const users = await cas.users.searchUsers(emailLike, { pageSize });
  return { users: users.map(toSecurIdUser), truncated: users.length >= pageSize };
}

/** {@link searchUsers} with `Input` arguments and an `Output` result (nothing is sent while unknown). */
export function searchUsersOutput(args: SearchUsersOutputArgs): pulumi.Output<SearchUsersResult> {
  return pulumi.output(args).apply((a) => searchUsers({ emailLike: a.emailLike, pageSize: a.pageSize }));
}
