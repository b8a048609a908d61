import { type HelixRoute, helixError } from '../http/route.js';
import type { FollowState } from '../state/wireTypes.js';
import type { World } from '../state/world.js';
import { mustBe, mustModerate, page, q } from './routeHelpers.js';

/** GET /channels/followers (broadcaster or moderator) and GET /channels/followed (the token's user). */
export function followersRoutes(world: World): HelixRoute[] {
  return [
    {
      method: 'GET',
      path: '/channels/followers',
      token: 'user',
      scopes: ['moderator:read:followers'],
      handle(req) {
        const b = q(req, 'broadcaster_id');
        if (!world.userExists(b)) return helixError(400, `Invalid broadcaster_id: ${b}`);
        const refused = mustModerate(world, req, b, req.auth?.userId ?? '');
        if (refused) return refused;
        const list = world.read<FollowState[]>(`followers:${b}`)?.state ?? [];
        const userId = req.query.get('user_id');
        const data = userId ? list.filter((f) => f.user_id === userId) : list;
        return page(data, req, { total: list.length });
      },
    },
    {
      method: 'GET',
      path: '/channels/followed',
      token: 'user',
      scopes: ['user:read:follows'],
      handle(req) {
        const userId = q(req, 'user_id');
        const refused = mustBe(req, userId, 'user_id');
        if (refused) return refused;
        const only = req.query.get('broadcaster_id');
        const rows: Array<Record<string, string>> = [];
        for (const b of world.users) {
          if (only && b.id !== only) continue;
          const follow = world.read<FollowState[]>(`followers:${b.id}`)?.state.find((f) => f.user_id === userId);
          if (follow) {
            rows.push({
              broadcaster_id: b.id,
              broadcaster_login: b.login,
              broadcaster_name: b.displayName,
              followed_at: follow.followed_at,
            });
          }
        }
        rows.sort((x, y) => (y.followed_at ?? '').localeCompare(x.followed_at ?? ''));
        return page(rows, req, { total: rows.length });
      },
    },
  ];
}
