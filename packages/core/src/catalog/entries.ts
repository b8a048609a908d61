/**
 * The resource catalog: one row per cached read. This table is the single source for the Client's cached methods,
 * `client.cacheReport()`, docs/consistency.md and the consistency benchmark.
 *
 * TTLs are ceilings: an event-covered entry is normally replaced by its events long before; the TTL bounds what a
 * lost event (Twitch delivers at least once, but a socket can drop between two deliveries) can cost.
 */
import {
  channelUpdated,
  chatSettingsUpdated,
  rewardRemoved,
  rewardSet,
  streamEnded,
  streamRetitled,
  streamStarted,
  userAdded,
  userBanned,
  userRemoved,
  userUpdated,
} from './event-changes.js';
import type { CatalogEntry, FeedRule } from './types.js';

const MIN = 60_000;

const byBroadcaster = (id: string): Record<string, string> => ({ broadcaster_user_id: id });
const feed = (
  type: string,
  version: string,
  scopes: string[],
  condition: FeedRule['condition'] = byBroadcaster,
): FeedRule => ({
  type,
  version,
  scopes,
  condition,
});

/**
 * A family of events that each only say "changed" (`<prefix>.begin`, `<prefix>.progress`, ...): every one of them
 * invalidates the entry and is one of its feeds.
 */
const invalidatedByFamily = (
  prefix: string,
  actions: readonly string[],
  version: string,
  scopes: string[],
): Pick<CatalogEntry, 'events' | 'feeds'> => ({
  events: actions.map((a) => ({ type: `${prefix}.${a}`, version, effect: 'invalidate' as const })),
  feeds: actions.map((a) => feed(`${prefix}.${a}`, version, scopes)),
});

/** Every cached read of the Client, one row each: the single source for its cached methods, `cacheReport()`, the docs and the consistency benchmark. */
export const CATALOG: readonly CatalogEntry[] = [
  {
    name: 'users.get',
    kind: 'user',
    key: 'user:<userId>',
    tags: ['user:<userId>'],
    ttlMs: 10 * MIN,
    read: 'GET /users',
    readScopes: [],
    userScoped: false,
    // Helix shows the e-mail address only to the user itself (with user:read:email), as does user.update
    privateFields: ['email'],
    writes: [{ operation: 'PUT /users', method: 'users.update', effect: 'patch', source: 'response' }],
    events: [{ type: 'user.update', version: '1', effect: 'patch', changes: userUpdated, idField: 'userId' }],
    feeds: [feed('user.update', '1', [], (id) => ({ user_id: id }))],
  },
  {
    name: 'channels.get',
    kind: 'channel',
    key: 'channel:<broadcasterId>',
    tags: ['user:<broadcasterId>'],
    ttlMs: 10 * MIN,
    read: 'GET /channels',
    readScopes: [],
    userScoped: false,
    writes: [{ operation: 'PATCH /channels', method: 'channels.update', effect: 'patch', source: 'request' }],
    events: [{ type: 'channel.update', version: '2', effect: 'patch', changes: channelUpdated }],
    feeds: [feed('channel.update', '2', [])],
  },
  {
    name: 'streams.get',
    kind: 'stream',
    key: 'stream:<userId>',
    tags: ['user:<userId>'],
    ttlMs: 5 * MIN,
    sourceLagMs: MIN,
    read: 'GET /streams',
    readScopes: [],
    userScoped: false,
    writes: [{ operation: 'PATCH /channels', method: 'channels.update', effect: 'patch', source: 'request' }],
    events: [
      { type: 'stream.online', version: '1', effect: 'patch', changes: streamStarted },
      { type: 'stream.offline', version: '1', effect: 'patch', changes: streamEnded },
      { type: 'channel.update', version: '2', effect: 'patch', changes: streamRetitled },
    ],
    feeds: [feed('stream.online', '1', []), feed('stream.offline', '1', []), feed('channel.update', '2', [])],
    ttlBoundBecause:
      'viewer counts change with no event; stream.online carries no title or viewers (the stream it announces is served with empty ones while Helix still answers offline)',
  },
  {
    name: 'channels.getFollowers',
    kind: 'followers',
    key: 'followers:<broadcasterId>',
    tags: ['user:<broadcasterId>'],
    ttlMs: 1 * MIN,
    read: 'GET /channels/followers',
    readScopes: ['moderator:read:followers'],
    userScoped: true,
    writes: [],
    events: [{ type: 'channel.follow', version: '2', effect: 'invalidate' }],
    feeds: [
      feed('channel.follow', '2', ['moderator:read:followers'], (id, reader) => ({
        broadcaster_user_id: id,
        moderator_user_id: reader,
      })),
    ],
    ttlBoundBecause: 'there is no unfollow event: the count and list can only be bounded by the TTL',
  },
  {
    name: 'moderation.getModerators',
    kind: 'moderators',
    key: 'moderators:<broadcasterId>',
    tags: ['user:<broadcasterId>'],
    ttlMs: 10 * MIN,
    read: 'GET /moderation/moderators',
    readScopes: ['moderation:read', 'channel:manage:moderators'],
    userScoped: true,
    writes: [
      {
        operation: 'POST /moderation/moderators',
        method: 'moderation.addModerator',
        effect: 'patch',
        source: 'request+users',
      },
      {
        operation: 'DELETE /moderation/moderators',
        method: 'moderation.removeModerator',
        effect: 'patch',
        source: 'request',
      },
    ],
    events: [
      { type: 'channel.moderator.add', version: '1', effect: 'patch', changes: userAdded },
      { type: 'channel.moderator.remove', version: '1', effect: 'patch', changes: userRemoved },
    ],
    feeds: [
      feed('channel.moderator.add', '1', ['moderation:read']),
      feed('channel.moderator.remove', '1', ['moderation:read']),
    ],
  },
  {
    name: 'moderation.getBannedUsers',
    kind: 'bans',
    key: 'bans:<broadcasterId>',
    tags: ['user:<broadcasterId>'],
    ttlMs: 5 * MIN,
    read: 'GET /moderation/banned',
    readScopes: ['moderation:read', 'moderator:manage:banned_users'],
    userScoped: true,
    writes: [
      { operation: 'POST /moderation/bans', method: 'moderation.banUser', effect: 'patch', source: 'request+users' },
      { operation: 'DELETE /moderation/bans', method: 'moderation.unbanUser', effect: 'patch', source: 'request' },
    ],
    events: [
      { type: 'channel.ban', version: '1', effect: 'patch', changes: userBanned },
      { type: 'channel.unban', version: '1', effect: 'patch', changes: userRemoved },
    ],
    feeds: [feed('channel.ban', '1', ['channel:moderate']), feed('channel.unban', '1', ['channel:moderate'])],
    ttlBoundBecause:
      'a timeout that expires sends no channel.unban: expired entries are filtered by expires_at on read',
  },
  {
    name: 'channels.getVips',
    kind: 'vips',
    key: 'vips:<broadcasterId>',
    tags: ['user:<broadcasterId>'],
    ttlMs: 10 * MIN,
    read: 'GET /channels/vips',
    readScopes: ['channel:read:vips', 'channel:manage:vips'],
    userScoped: true,
    writes: [
      { operation: 'POST /channels/vips', method: 'channels.addVip', effect: 'patch', source: 'request+users' },
      { operation: 'DELETE /channels/vips', method: 'channels.removeVip', effect: 'patch', source: 'request' },
    ],
    events: [
      { type: 'channel.vip.add', version: '1', effect: 'patch', changes: userAdded },
      { type: 'channel.vip.remove', version: '1', effect: 'patch', changes: userRemoved },
    ],
    feeds: [
      feed('channel.vip.add', '1', ['channel:read:vips', 'channel:manage:vips']),
      feed('channel.vip.remove', '1', ['channel:read:vips', 'channel:manage:vips']),
    ],
  },
  {
    name: 'channelPoints.getCustomRewards',
    kind: 'rewards',
    key: 'rewards:<broadcasterId>',
    tags: ['user:<broadcasterId>'],
    ttlMs: 10 * MIN,
    read: 'GET /channel_points/custom_rewards',
    readScopes: ['channel:read:redemptions', 'channel:manage:redemptions'],
    userScoped: true,
    writes: [
      {
        operation: 'POST /channel_points/custom_rewards',
        method: 'channelPoints.createCustomReward',
        effect: 'patch',
        source: 'response',
      },
      {
        operation: 'PATCH /channel_points/custom_rewards',
        method: 'channelPoints.updateCustomReward',
        effect: 'patch',
        source: 'response',
      },
      {
        operation: 'DELETE /channel_points/custom_rewards',
        method: 'channelPoints.deleteCustomReward',
        effect: 'patch',
        source: 'request',
      },
    ],
    // The events carry the whole reward (under other field names than Helix's): each patches its member.
    events: ['add', 'update', 'remove'].map((a) => ({
      type: `channel.channel_points_custom_reward.${a}`,
      version: '1',
      effect: 'patch' as const,
      changes: a === 'remove' ? rewardRemoved : rewardSet,
    })),
    feeds: ['add', 'update', 'remove'].map((a) =>
      feed(`channel.channel_points_custom_reward.${a}`, '1', [
        'channel:read:redemptions',
        'channel:manage:redemptions',
      ]),
    ),
  },
  {
    name: 'polls.get',
    kind: 'polls',
    key: 'polls:<broadcasterId>',
    tags: ['user:<broadcasterId>'],
    ttlMs: 5 * MIN,
    read: 'GET /polls',
    readScopes: ['channel:read:polls', 'channel:manage:polls'],
    userScoped: true,
    writes: [
      { operation: 'POST /polls', method: 'polls.create', effect: 'patch', source: 'response' },
      { operation: 'PATCH /polls', method: 'polls.end', effect: 'patch', source: 'response' },
    ],
    ...invalidatedByFamily('channel.poll', ['begin', 'progress', 'end'], '1', [
      'channel:read:polls',
      'channel:manage:polls',
    ]),
    ttlBoundBecause: 'poll events carry partial state (no per-user votes): they invalidate, and the refetch can lag',
  },
  {
    name: 'predictions.get',
    kind: 'predictions',
    key: 'predictions:<broadcasterId>',
    tags: ['user:<broadcasterId>'],
    ttlMs: 5 * MIN,
    read: 'GET /predictions',
    readScopes: ['channel:read:predictions', 'channel:manage:predictions'],
    userScoped: true,
    writes: [
      { operation: 'POST /predictions', method: 'predictions.create', effect: 'patch', source: 'response' },
      { operation: 'PATCH /predictions', method: 'predictions.end', effect: 'patch', source: 'response' },
    ],
    ...invalidatedByFamily('channel.prediction', ['begin', 'progress', 'lock', 'end'], '1', [
      'channel:read:predictions',
      'channel:manage:predictions',
    ]),
    ttlBoundBecause: 'prediction events carry partial state: they invalidate, and the refetch can lag',
  },
  {
    name: 'chat.getSettings',
    kind: 'chat_settings',
    key: 'chat_settings:<broadcasterId>',
    tags: ['user:<broadcasterId>'],
    ttlMs: 10 * MIN,
    read: 'GET /chat/settings',
    readScopes: [],
    userScoped: true,
    writes: [{ operation: 'PATCH /chat/settings', method: 'chat.updateSettings', effect: 'patch', source: 'response' }],
    events: [{ type: 'channel.chat_settings.update', version: '1', effect: 'patch', changes: chatSettingsUpdated }],
    feeds: [
      feed('channel.chat_settings.update', '1', ['user:read:chat'], (id, reader) => ({
        broadcaster_user_id: id,
        user_id: reader,
      })),
    ],
  },
  {
    name: 'goals.get',
    kind: 'goals',
    key: 'goals:<broadcasterId>',
    tags: ['user:<broadcasterId>'],
    ttlMs: 5 * MIN,
    read: 'GET /goals',
    readScopes: ['channel:read:goals'],
    userScoped: true,
    writes: [],
    ...invalidatedByFamily('channel.goal', ['begin', 'progress', 'end'], '1', ['channel:read:goals']),
  },
  {
    name: 'hypeTrain.getStatus',
    kind: 'hype_train',
    key: 'hype_train:<broadcasterId>',
    tags: ['user:<broadcasterId>'],
    ttlMs: 5 * MIN,
    read: 'GET /hypetrain/status',
    readScopes: ['channel:read:hype_train'],
    userScoped: true,
    writes: [],
    ...invalidatedByFamily('channel.hype_train', ['begin', 'progress', 'end'], '2', ['channel:read:hype_train']),
    ttlBoundBecause: 'progress can arrive before begin: events invalidate rather than patch',
  },
  {
    name: 'subscriptions.getBroadcasterSubscriptions',
    kind: 'subscriptions',
    key: 'subscriptions:<broadcasterId>',
    tags: ['user:<broadcasterId>'],
    ttlMs: 5 * MIN,
    read: 'GET /subscriptions',
    readScopes: ['channel:read:subscriptions'],
    userScoped: true,
    writes: [],
    events: ['channel.subscribe', 'channel.subscription.end', 'channel.subscription.gift'].map((type) => ({
      type,
      version: '1',
      effect: 'invalidate' as const,
    })),
    feeds: ['channel.subscribe', 'channel.subscription.end', 'channel.subscription.gift'].map((type) =>
      feed(type, '1', ['channel:read:subscriptions']),
    ),
  },
  {
    name: 'schedule.get',
    kind: 'schedule',
    key: 'schedule:<broadcasterId>',
    tags: ['user:<broadcasterId>'],
    ttlMs: 5 * MIN,
    read: 'GET /schedule',
    readScopes: [],
    userScoped: false,
    writes: [
      {
        operation: 'POST /schedule/segment',
        method: 'schedule.createSegment',
        effect: 'patch',
        source: 'response',
      },
      {
        operation: 'PATCH /schedule/segment',
        method: 'schedule.updateSegment',
        effect: 'patch',
        source: 'response',
      },
      {
        operation: 'DELETE /schedule/segment',
        method: 'schedule.deleteSegment',
        effect: 'patch',
        source: 'request',
      },
      {
        operation: 'PATCH /schedule/settings',
        method: 'schedule.updateSettings',
        effect: 'invalidate',
        source: 'request',
      },
    ],
    events: [],
    feeds: [],
    ttlBoundBecause: 'no EventSub type reports schedule changes: TTL and write-through only',
  },
  {
    name: 'chat.getChannelEmotes',
    kind: 'emotes',
    key: 'emotes:<broadcasterId>',
    tags: ['user:<broadcasterId>'],
    ttlMs: 60 * MIN,
    read: 'GET /chat/emotes',
    readScopes: [],
    userScoped: false,
    writes: [],
    events: [],
    feeds: [],
    ttlBoundBecause: 'no EventSub type reports emote changes and Helix has no emote writes: TTL only',
  },
];
