import { type HelixRoute, helixError } from '../http/route.js';
import { updateChatSettings } from '../ops/chatOps.js';
import type { ChatSettingsState, Row } from '../state/wireTypes.js';
import type { World } from '../state/world.js';
import { bodyOf, moderatorOf, mustModerate, ok, q } from './routeHelpers.js';

const bounds: Record<string, [number, number]> = {
  follower_mode_duration: [0, 129_600],
  slow_mode_wait_time: [3, 120],
};

/** GET and PATCH /chat/settings, GET /chat/emotes (the broadcaster's emotes). */
export function chatRoutes(world: World): HelixRoute[] {
  return [
    {
      method: 'GET',
      path: '/chat/settings',
      token: 'app-or-user',
      handle(req) {
        const b = q(req, 'broadcaster_id');
        const served = world.read<ChatSettingsState>(`chat_settings:${b}`);
        if (!served) return helixError(400, `Invalid broadcaster_id: ${b}`);
        const { non_moderator_chat_delay, non_moderator_chat_delay_duration, ...open } = served.state;
        // The delay fields are only shown to the broadcaster's moderators (moderator_id matching the token).
        const m = req.query.get('moderator_id');
        const moderator = m !== null && req.auth?.userId === m && !mustModerate(world, req, b, m);
        return ok([
          moderator ? { ...open, moderator_id: m, non_moderator_chat_delay, non_moderator_chat_delay_duration } : open,
        ]);
      },
    },
    {
      method: 'PATCH',
      path: '/chat/settings',
      token: 'user',
      scopes: ['moderator:manage:chat_settings'],
      handle(req) {
        const { b, m, refused } = moderatorOf(world, req);
        if (refused) return refused;
        const body = bodyOf(req);
        for (const [field, [min, max]] of Object.entries(bounds)) {
          const v = body[field];
          if (typeof v === 'number' && !(Number.isInteger(v) && v >= min && v <= max)) {
            return helixError(400, `The ${field} field must be between ${min} and ${max}`);
          }
        }
        const delay = body.non_moderator_chat_delay_duration;
        if (typeof delay === 'number' && ![2, 4, 6].includes(delay)) {
          return helixError(400, 'The non_moderator_chat_delay_duration field must be 2, 4 or 6');
        }
        const known = Object.keys(body).filter((k) => k in world.truth<ChatSettingsState>(`chat_settings:${b}`));
        if (known.length === 0) return helixError(400, 'No chat settings to update were given');
        const patch = Object.fromEntries(known.map((k) => [k, body[k]])) as Partial<ChatSettingsState>;
        const next = updateChatSettings(world, b, patch, 'api');
        return ok([{ ...next, moderator_id: m }]);
      },
    },
    {
      method: 'GET',
      path: '/chat/emotes',
      token: 'app-or-user',
      handle(req) {
        const b = q(req, 'broadcaster_id');
        const served = world.read<Row[]>(`emotes:${b}`);
        if (!served) return helixError(400, `Invalid broadcaster_id: ${b}`);
        return ok(served.state, {
          template: 'https://static-cdn.jtvnw.net/emoticons/v2/{{id}}/{{format}}/{{theme_mode}}/{{scale}}',
        });
      },
    },
  ];
}
