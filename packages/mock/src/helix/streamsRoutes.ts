import type { HelixRoute } from '../http/route.js';
import type { FollowState, StreamState } from '../state/wireTypes.js';
import type { World } from '../state/world.js';
import { mustBe, page, q } from './routeHelpers.js';

function liveStreams(world: World, ids: readonly string[]): StreamState[] {
  const out: StreamState[] = [];
  for (const id of ids) {
    const served = world.read<StreamState | null>(`stream:${id}`);
    if (served?.state) out.push(served.state);
  }
  return out;
}

/** GET /streams (filters by user id, login, game, language) and GET /streams/followed. */
export function streamsRoutes(world: World): HelixRoute[] {
  return [
    {
      method: 'GET',
      path: '/streams',
      token: 'app-or-user',
      handle(req) {
        const ids = req.query.getAll('user_id');
        for (const login of req.query.getAll('user_login')) {
          const id = world.userIdByLogin(login);
          if (id) ids.push(id);
        }
        const candidates = ids.length > 0 ? [...new Set(ids)] : world.users.map((u) => u.id);
        const games = req.query.getAll('game_id');
        const languages = req.query.getAll('language');
        const streams = liveStreams(world, candidates).filter(
          (s) =>
            (games.length === 0 || games.includes(s.game_id)) &&
            (languages.length === 0 || languages.includes(s.language)),
        );
        streams.sort((a, b) => b.viewer_count - a.viewer_count);
        return page(streams, req);
      },
    },
    {
      method: 'GET',
      path: '/streams/followed',
      token: 'user',
      scopes: ['user:read:follows'],
      handle(req) {
        const userId = q(req, 'user_id');
        const refused = mustBe(req, userId, 'user_id');
        if (refused) return refused;
        const followed = world.users
          .map((u) => u.id)
          .filter((b) => world.truth<FollowState[]>(`followers:${b}`).some((f) => f.user_id === userId));
        return page(liveStreams(world, followed), req);
      },
    },
  ];
}
