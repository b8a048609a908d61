/**
 * What each event that carries state says changed, as declarative ops (the catalog's `EventRule.changes`): fields
 * set, a member added or removed, a stream started or ended. Events are the decoder's payloads (camelCase).
 */
import type { Op } from '@twitchify/cache';
import type { EventSubEventMap } from '@twitchify/eventsub';
import type { BannedUser, ChatSettings, CustomReward, Stream, UserModerator } from '../generated/helix-types.js';
import { fieldsSet, memberAdded, memberRemoved, replacedBy } from './ops.js';
import type { EventPayload } from './types.js';

type E<K extends keyof EventSubEventMap> = EventSubEventMap[K];
const as = <K extends keyof EventSubEventMap>(event: EventPayload) => event as unknown as E<K>;

/** `user.update`: the user's fields (`email` is private: the Client keeps it to the user's own key). */
export function userUpdated(event: EventPayload): Op[] {
  const e = as<'user.update@1'>(event);
  return [fieldsSet({ login: e.userLogin, displayName: e.userName, description: e.description, email: e.email })];
}

/** `channel.update`, on the channel's information. */
export function channelUpdated(event: EventPayload): Op[] {
  const e = as<'channel.update@2'>(event);
  return [
    fieldsSet({
      title: e.title,
      broadcasterLanguage: e.language,
      gameId: e.categoryId,
      gameName: e.categoryName,
      contentClassificationLabels: [...e.contentClassificationLabels],
    }),
  ];
}

/** `channel.update`, on the live stream (nothing when offline: `set` changes nothing on `null`). */
export function streamRetitled(event: EventPayload): Op[] {
  const e = as<'channel.update@2'>(event);
  return [fieldsSet({ title: e.title, gameId: e.categoryId, gameName: e.categoryName, language: e.language })];
}

/**
 * `stream.online`: the stream it announces. Helix flaps between live and offline for a while after a stream starts:
 * live it is, and Helix's own answer of the same stream (with its title and viewers) is kept over this one.
 */
export function streamStarted(event: EventPayload): Op[] {
  const e = as<'stream.online@1'>(event);
  const announced = {
    id: e.id,
    userId: e.broadcasterUserId,
    userLogin: e.broadcasterUserLogin,
    userName: e.broadcasterUserName,
    gameId: '',
    gameName: '',
    type: 'live',
    title: '',
    viewerCount: 0,
    startedAt: e.startedAt,
    language: '',
    thumbnailUrl: '',
    tagIds: [],
    tags: [],
    isMature: false,
  } as unknown as Stream;
  return [replacedBy(announced, 'id')];
}

/** `stream.offline`: no stream. */
export function streamEnded(): Op[] {
  return [replacedBy(null)];
}

/** `channel.vip.add`, `channel.moderator.add`: the user is a member. */
export function userAdded(event: EventPayload): Op[] {
  const ref: UserModerator = {
    userId: String(event.userId),
    userLogin: String(event.userLogin ?? ''),
    userName: String(event.userName ?? ''),
  };
  return [memberAdded('userId', ref)];
}

/** `channel.vip.remove`, `channel.moderator.remove`, `channel.unban`: the user is not a member. */
export function userRemoved(event: EventPayload): Op[] {
  return [memberRemoved('userId', String(event.userId))];
}

/** `channel.ban`: the user is banned, as Get Banned Users shows it. */
export function userBanned(event: EventPayload): Op[] {
  const e = as<'channel.ban@1'>(event);
  const entry: BannedUser = {
    userId: e.userId,
    userLogin: e.userLogin,
    userName: e.userName,
    expiresAt: e.isPermanent ? '' : (e.endsAt ?? ''),
    createdAt: e.bannedAt,
    reason: e.reason,
    moderatorId: e.moderatorUserId,
    moderatorLogin: e.moderatorUserLogin,
    moderatorName: e.moderatorUserName,
  };
  return [memberAdded('userId', entry)];
}

/** `channel.chat_settings.update`: the settings' fields. */
export function chatSettingsUpdated(event: EventPayload): Op[] {
  const e = as<'channel.chat_settings.update@1'>(event);
  const fields: Partial<ChatSettings> = {
    emoteMode: e.emoteMode,
    followerMode: e.followerMode,
    followerModeDuration: e.followerModeDurationMinutes as number | null,
    slowMode: e.slowMode,
    slowModeWaitTime: e.slowModeWaitTimeSeconds as number | null,
    subscriberMode: e.subscriberMode,
    uniqueChatMode: e.uniqueChatMode,
  };
  return [fieldsSet(fields)];
}

/**
 * `channel.channel_points_custom_reward.add` / `.update`: the whole reward, as Get Custom Reward would show it (a
 * reload instead would let a refetch store Helix's lagging answer after the event was received).
 */
export function rewardSet(event: EventPayload): Op[] {
  return [memberAdded('id', rewardOf(as<'channel.channel_points_custom_reward.update@1'>(event)))];
}

/** `channel.channel_points_custom_reward.remove`: the reward is gone. */
export function rewardRemoved(event: EventPayload): Op[] {
  return [memberRemoved('id', String(event.id))];
}

/** A reward event's reward in Helix's shape (the event names the limits `max_per_stream.value`, ...). */
function rewardOf(e: E<'channel.channel_points_custom_reward.update@1'>): CustomReward {
  return {
    broadcasterId: e.broadcasterUserId,
    broadcasterLogin: e.broadcasterUserLogin,
    broadcasterName: e.broadcasterUserName,
    id: e.id,
    title: e.title,
    prompt: e.prompt,
    cost: e.cost,
    image: e.image,
    defaultImage: e.defaultImage,
    backgroundColor: e.backgroundColor,
    isEnabled: e.isEnabled,
    isUserInputRequired: e.isUserInputRequired,
    maxPerStreamSetting: { isEnabled: e.maxPerStream.isEnabled, maxPerStream: e.maxPerStream.value ?? 0 },
    maxPerUserPerStreamSetting: {
      isEnabled: e.maxPerUserPerStream.isEnabled,
      maxPerUserPerStream: e.maxPerUserPerStream.value ?? 0,
    },
    globalCooldownSetting: {
      isEnabled: e.globalCooldown.isEnabled,
      globalCooldownSeconds: e.globalCooldown.seconds ?? 0,
    },
    isPaused: e.isPaused,
    isInStock: e.isInStock,
    shouldRedemptionsSkipRequestQueue: e.shouldRedemptionsSkipRequestQueue,
    redemptionsRedeemedCurrentStream: e.redemptionsRedeemedCurrentStream,
    cooldownExpiresAt: e.cooldownExpiresAt,
  } as CustomReward;
}
