import { type HelixRoute, helixError } from '../http/route.js';
import { ban, isBanned, settleTimeouts, unban } from '../ops/communityOps.js';
import type { BanState } from '../state/wireTypes.js';
import type { World } from '../state/world.js';
import { bodyOf, filterBy, moderatorOf, noContent, ok, ownerOf, page, q } from './routeHelpers.js';

/** GET /moderation/banned, POST and DELETE /moderation/bans. A timeout is a ban with `expires_at`. */
export function bansRoutes(world: World): HelixRoute[] {
  return [
    {
      method: 'GET',
      path: '/moderation/banned',
      token: 'user',
      scopes: ['moderation:read', 'moderator:manage:banned_users'],
      handle(req) {
        const { b, refused } = ownerOf(req);
        if (refused) return refused;
        settleTimeouts(world, b);
        return page(filterBy(world.read<BanState[]>(`bans:${b}`)?.state ?? [], req, 'user_id', 'user_id'), req);
      },
    },
    {
      method: 'POST',
      path: '/moderation/bans',
      token: 'user',
      scopes: ['moderator:manage:banned_users'],
      handle(req) {
        const { b, m, refused } = moderatorOf(world, req);
        if (refused) return refused;
        const data = bodyOf(req).data as Record<string, unknown> | undefined;
        if (!data || typeof data !== 'object' || Array.isArray(data))
          return helixError(400, 'The data field is required');
        const userId = data.user_id;
        if (typeof userId !== 'string' || !world.userExists(userId))
          return helixError(400, 'The user_id field is invalid');
        const duration = data.duration;
        if (
          duration !== undefined &&
          !(Number.isInteger(duration) && (duration as number) >= 1 && (duration as number) <= 1_209_600)
        ) {
          return helixError(400, 'The duration field must be between 1 and 1209600 seconds');
        }
        const reason = data.reason;
        if (reason !== undefined && (typeof reason !== 'string' || reason.length > 500)) {
          return helixError(400, 'The reason field must be a string of at most 500 characters');
        }
        if (userId === b) return helixError(400, 'The broadcaster may not be banned');
        if (isBanned(world, b, userId) && duration === undefined) return helixError(400, 'The user is already banned');
        const expiresAt =
          typeof duration === 'number' ? new Date(world.clock.now() + duration * 1000).toISOString() : undefined;
        const entry = ban(world, b, userId, { expiresAt, reason: reason as string | undefined, moderatorId: m }, 'api');
        return ok([
          {
            broadcaster_id: b,
            moderator_id: m,
            user_id: userId,
            created_at: entry.created_at,
            end_time: expiresAt ?? null,
          },
        ]);
      },
    },
    {
      method: 'DELETE',
      path: '/moderation/bans',
      token: 'user',
      scopes: ['moderator:manage:banned_users'],
      handle(req) {
        const { b, m, refused } = moderatorOf(world, req);
        if (refused) return refused;
        const u = q(req, 'user_id');
        if (!isBanned(world, b, u)) return helixError(400, 'The user is not banned');
        unban(world, b, u, m, 'api');
        return noContent;
      },
    },
  ];
}
