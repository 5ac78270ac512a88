import * as pulumi from "@pulumi/pulumi";
import { programCasClient } from "./program-context";
import { toSecurIdUser, type SecurIdUser } from "./user";

/** The arguments of {@link searchUsers}. */
export interface SearchUsersArgs {
  /** A piece of the email address (a literal substring, no wildcards). */
  emailLike: string;
  /** How many users at most, 1 to 25. Default 25. */
  pageSize?: number;
}

/** The arguments of {@link searchUsersOutput}. */
export interface SearchUsersOutputArgs {
  /** A piece of the email address. */
  emailLike: pulumi.Input<string>;
  /** How many users at most, 1 to 25. Default 25. */
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

/**
 * Searches CAS users whose email contains `emailLike` (User Search API), in the program, with the
 * same credentials as {@link getUser}.
 */
export async function searchUsers(args: SearchUsersArgs): Promise<SearchUsersResult> {
  const pageSize = args.pageSize ?? MAX_PAGE_SIZE;
  const cas = await programCasClient();
  const users = await cas.users.searchUsers(args.emailLike, { pageSize });
  return { users: users.map(toSecurIdUser), truncated: users.length >= pageSize };
}

/** {@link searchUsers} with `Input` arguments and an `Output` result. */
export function searchUsersOutput(args: SearchUsersOutputArgs): pulumi.Output<SearchUsersResult> {
  return pulumi.output(args).apply((a) => searchUsers({ emailLike: a.emailLike, pageSize: a.pageSize }));
}
