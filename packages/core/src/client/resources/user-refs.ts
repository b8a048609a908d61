/** Builds the `{ userId, userLogin, userName }` of a list entry from the (cached) user, for write-through. */
import type { ResourceContext } from './context.js';

export interface UserRef {
  readonly userId: string;
  readonly userLogin: string;
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
