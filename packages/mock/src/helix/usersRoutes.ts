import { type HelixRoute, helixError } from '../http/route.js';
import { updateUser } from '../ops/channelOps.js';
import type { UserState } from '../state/wireTypes.js';
import type { World } from '../state/world.js';
import { ok } from './routeHelpers.js';

/** Strips `email` unless the token's user is that user and holds `user:read:email`. */
function visible(user: UserState, viewer: { userId?: string; scopes: readonly string[] } | undefined): UserState {
  if (viewer?.userId === user.id && viewer.scopes.includes('user:read:email')) return user;
  const { email: _email, ...rest } = user;
  return rest as UserState;
}

/** GET /users (by id and login, up to 100 together; the token's user when none) and PUT /users. */
export function usersRoutes(world: World): HelixRoute[] {
  return [
    {
      method: 'GET',
      path: '/users',
      token: 'app-or-user',
      handle(req) {
        const ids = req.query.getAll('id');
        const logins = req.query.getAll('login');
        if (ids.length + logins.length > 100)
          return helixError(400, 'The total number of id and login may not exceed 100');
        if (ids.length + logins.length === 0) {
          if (!req.auth?.userId) return helixError(400, 'Missing required parameter "id" or "login"');
          ids.push(req.auth.userId);
        }
        const found = new Map<string, UserState>();
        for (const id of ids) {
          const served = world.read<UserState>(`user:${id}`);
          if (served) found.set(id, served.state);
        }
        for (const login of logins) {
          const id = world.userIdByLogin(login);
          const served = id ? world.read<UserState>(`user:${id}`) : undefined;
          if (served) found.set(served.state.id, served.state);
        }
        return ok([...found.values()].map((u) => visible(u, req.auth)));
      },
    },
    {
      method: 'PUT',
      path: '/users',
      token: 'user',
      scopes: ['user:edit'],
      handle(req) {
        const id = req.auth?.userId ?? '';
        const description = req.query.get('description');
        const next = description === null ? world.user(id) : updateUser(world, id, { description }, 'api');
        return ok([visible(next, req.auth)]);
      },
    },
  ];
}
