import { type HelixRoute, helixError } from '../http/route.js';
import type { HypeTrainState } from '../ops/hypeTrainOps.js';
import { points, type SubscriptionRow } from '../ops/subscriptionOps.js';
import type { Row } from '../state/wireTypes.js';
import type { World } from '../state/world.js';
import { filterBy, mustBe, ok, ownerOf, page, q } from './routeHelpers.js';

/** GET /goals, GET /subscriptions, GET /subscriptions/user and GET /hypetrain/status. */
export function channelStatsRoutes(world: World): HelixRoute[] {
  return [
    {
      method: 'GET',
      path: '/goals',
      token: 'user',
      scopes: ['channel:read:goals'],
      handle(req) {
        const { b, refused } = ownerOf(req);
        if (refused) return refused;
        return ok(world.read<Row[]>(`goals:${b}`)?.state ?? []);
      },
    },
    {
      method: 'GET',
      path: '/subscriptions',
      token: 'user',
      scopes: ['channel:read:subscriptions'],
      handle(req) {
        const { b, refused } = ownerOf(req);
        if (refused) return refused;
        const list = world.read<SubscriptionRow[]>(`subscriptions:${b}`)?.state ?? [];
        if (req.query.has('user_id')) return ok(filterBy(list, req, 'user_id', 'user_id'));
        return page(list, req, { total: list.length, points: points(list) });
      },
    },
    {
      method: 'GET',
      path: '/subscriptions/user',
      token: 'user',
      scopes: ['user:read:subscriptions'],
      handle(req) {
        const u = q(req, 'user_id');
        const refused = mustBe(req, u, 'user_id');
        if (refused) return refused;
        const b = q(req, 'broadcaster_id');
        const row = world.read<SubscriptionRow[]>(`subscriptions:${b}`)?.state.find((s) => s.user_id === u);
        if (!row) return helixError(404, 'The user is not subscribed to the broadcaster');
        const {
          broadcaster_id,
          broadcaster_login,
          broadcaster_name,
          gifter_id,
          gifter_login,
          gifter_name,
          is_gift,
          tier,
        } = row;
        return ok([
          { broadcaster_id, broadcaster_login, broadcaster_name, gifter_id, gifter_login, gifter_name, is_gift, tier },
        ]);
      },
    },
    {
      method: 'GET',
      path: '/hypetrain/status',
      token: 'user',
      scopes: ['channel:read:hype_train'],
      handle(req) {
        const { b, refused } = ownerOf(req);
        if (refused) return refused;
        const state = world.read<HypeTrainState | null>(`hype_train:${b}`)?.state;
        return ok([
          { current: state?.current ?? null, all_time_high: state?.all_time_high ?? null, shared_all_time_high: null },
        ]);
      },
    },
  ];
}
