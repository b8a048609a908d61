import { type HelixRoute, helixError } from '../http/route.js';
import { type ChannelPatch, updateChannel } from '../ops/channelOps.js';
import type { ChannelState } from '../state/wireTypes.js';
import type { World } from '../state/world.js';
import { bodyOf, mustBe, noContent, ok, q } from './routeHelpers.js';

const labels = new Set([
  'DebatedSocialIssuesAndPolitics',
  'DrugsIntoxication',
  'SexualThemes',
  'ViolentGraphic',
  'Gambling',
  'ProfanityVulgarity',
]);

/** GET /channels (up to 100 ids) and PATCH /channels (204, no body). */
export function channelsRoutes(world: World): HelixRoute[] {
  return [
    {
      method: 'GET',
      path: '/channels',
      token: 'app-or-user',
      handle(req) {
        const data: ChannelState[] = [];
        for (const id of req.query.getAll('broadcaster_id')) {
          const served = world.read<ChannelState>(`channel:${id}`);
          if (served) data.push(served.state);
        }
        return ok(data);
      },
    },
    {
      method: 'PATCH',
      path: '/channels',
      token: 'user',
      scopes: ['channel:manage:broadcast'],
      handle(req) {
        const id = q(req, 'broadcaster_id');
        const refused = mustBe(req, id, 'broadcaster_id');
        if (refused) return refused;
        const body = bodyOf(req);
        const patch: ChannelPatch = {};
        if (typeof body.title === 'string') {
          if (body.title === '') return helixError(400, 'The title field may not be empty');
          patch.title = body.title;
        }
        if (typeof body.game_id === 'string') patch.game_id = body.game_id;
        if (typeof body.broadcaster_language === 'string') patch.broadcaster_language = body.broadcaster_language;
        if (typeof body.delay === 'number') patch.delay = body.delay;
        if (Array.isArray(body.tags)) {
          if (body.tags.length > 10 || body.tags.some((t) => typeof t !== 'string' || t.length > 25)) {
            return helixError(400, 'A channel may have at most 10 tags of at most 25 characters');
          }
          patch.tags = body.tags as string[];
        }
        if (Array.isArray(body.content_classification_labels)) {
          const current = new Set(world.truth<ChannelState>(`channel:${id}`).content_classification_labels);
          for (const item of body.content_classification_labels as Array<{ id?: unknown; is_enabled?: unknown }>) {
            if (typeof item?.id !== 'string' || !labels.has(item.id) || typeof item.is_enabled !== 'boolean') {
              return helixError(400, 'Invalid content_classification_labels');
            }
            if (item.is_enabled) current.add(item.id);
            else current.delete(item.id);
          }
          patch.content_classification_labels = [...current];
        }
        if (typeof body.is_branded_content === 'boolean') patch.is_branded_content = body.is_branded_content;
        if (Object.keys(patch).length === 0) return helixError(400, 'No channel fields to update were given');
        updateChannel(world, id, patch, 'api');
        return noContent;
      },
    },
  ];
}
