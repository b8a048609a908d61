import type { ChangeOrigin } from '../state/versionedStore.js';
import type { ChannelState, StreamState, UserState } from '../state/wireTypes.js';
import type { World } from '../state/world.js';
import { channelEvent } from './channelEvent.js';

/** The fields of a channel that a PATCH (or a streamer on twitch.tv) may change. */
export interface ChannelPatch {
  title?: string;
  game_id?: string;
  game_name?: string;
  broadcaster_language?: string;
  delay?: number;
  tags?: string[];
  content_classification_labels?: string[];
  is_branded_content?: boolean;
}

const games: Record<string, string> = {
  '509670': 'Science & Technology',
  '509658': 'Just Chatting',
  '27471': 'Minecraft',
  '32982': 'Grand Theft Auto V',
  '': '',
};

/** Commits a channel change; publishes `channel.update` v2. */
export function updateChannel(world: World, id: string, patch: ChannelPatch, origin: ChangeOrigin): ChannelState {
  const current = world.truth<ChannelState>(`channel:${id}`);
  const next: ChannelState = { ...current };
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) (next as unknown as Record<string, unknown>)[k] = v;
  if (patch.game_id !== undefined && patch.game_name === undefined) {
    next.game_name = games[patch.game_id] ?? `Game ${patch.game_id}`;
  }
  world.commit(`channel:${id}`, next, origin, [
    channelEvent(
      'channel.update',
      id,
      {
        ...world.broadcasterFields(id),
        title: next.title,
        language: next.broadcaster_language,
        category_id: next.game_id,
        category_name: next.game_name,
        content_classification_labels: next.content_classification_labels,
      },
      '2',
    ),
  ]);
  return next;
}

/** The stream goes live: commits the stream (reads may flap) and publishes `stream.online`. */
export function goLive(world: World, id: string, origin: ChangeOrigin): StreamState {
  const channel = world.truth<ChannelState>(`channel:${id}`);
  const startedAt = world.now();
  const stream: StreamState = {
    id: String(world.random.int(10_000_000_000, 99_999_999_999)),
    user_id: id,
    user_login: channel.broadcaster_login,
    user_name: channel.broadcaster_name,
    game_id: channel.game_id,
    game_name: channel.game_name,
    type: 'live',
    title: channel.title,
    tags: channel.tags,
    viewer_count: world.random.int(1, 5000),
    started_at: startedAt,
    language: channel.broadcaster_language,
    thumbnail_url: `https://static-cdn.jtvnw.net/previews-ttv/live_user_${channel.broadcaster_login}-{width}x{height}.jpg`,
    tag_ids: [],
    is_mature: false,
  };
  world.commit(
    `stream:${id}`,
    stream,
    origin,
    [
      channelEvent('stream.online', id, {
        id: stream.id,
        ...world.broadcasterFields(id),
        type: 'live',
        started_at: startedAt,
      }),
    ],
    { flaps: true },
  );
  return stream;
}

/** The stream ends: commits `null` and publishes `stream.offline` (reads may flap with `streamFlap.afterOffline`). */
export function goOffline(world: World, id: string, origin: ChangeOrigin): void {
  world.commit(`stream:${id}`, null, origin, [channelEvent('stream.offline', id, world.broadcasterFields(id))], {
    flaps: true,
  });
}

/** The fields of a user that can change. */
export interface UserPatch {
  description?: string;
  display_name?: string;
  login?: string;
  email?: string;
  broadcaster_type?: string;
  profile_image_url?: string;
  offline_image_url?: string;
}

/** Commits a user change; publishes `user.update`. */
export function updateUser(world: World, id: string, patch: UserPatch, origin: ChangeOrigin): UserState {
  const current = world.user(id);
  const next: UserState = { ...current };
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) (next as unknown as Record<string, unknown>)[k] = v;
  world.commit(`user:${id}`, next, origin, [
    {
      type: 'user.update',
      version: '1',
      condition: { user_id: id },
      event: {
        user_id: id,
        user_login: next.login,
        user_name: next.display_name,
        email: next.email,
        email_verified: true,
        description: next.description,
      },
    },
  ]);
  return next;
}
