import type { ResourceContext } from './context.js';

/** A user as list entries name one (a VIP, a moderator): id, login and display name. */
export interface UserRef {
  /** The user's id. */
  readonly userId: string;
  /** The user's login. */
  readonly userLogin: string;
  /** The user's display name. */
  readonly userName: string;
}

/** The list entry of a user, from the users cache; login and name empty when the user cannot be read. */
export async function userRef(c: ResourceContext, userId: string): Promise<UserRef> {
  const user = await c.rc
    .read(
      'user',
      userId,
      undefined,
      async (signal) => (await c.helix.users.getUsers({ id: userId }, { signal })).data[0] ?? null,
      undefined,
    )
    .catch(() => null);
  return { userId, userLogin: user?.login ?? '', userName: user?.displayName ?? '' };
}
