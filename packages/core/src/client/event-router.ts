/**
 * Turns EventSub notifications into the declarative changes they say happened (fields set, a member added or
 * removed, a stream started or ended), recorded in the coherence model; events that only say something changed
 * record a reload.
 */
import type { EventSubEventMap } from '@twitchify/eventsub';
import type { ResourceKind } from '../catalog/types.js';
import type { BannedUser, ChatSettings, CustomReward, Stream, UserModerator } from '../generated/helix-types.js';
import { fieldsSet, memberAdded, memberRemoved, replacedBy } from './ops.js';
import type { EventChange, ResourceCache } from './resource-cache.js';

type E<K extends keyof EventSubEventMap> = EventSubEventMap[K];

/** Records one notification (`key` = `type@version`) as the changes it says happened. Unknown types change nothing. */
export async function routeEvent(rc: ResourceCache, key: string, event: unknown, change: EventChange): Promise<void> {
  const ev = event as Record<string, unknown>;
  const b = String(ev.broadcasterUserId ?? '');
  switch (key) {
    case 'user.update@1': {
      const e = event as E<'user.update@1'>;
      // `email` is private: the resource layer keeps it to the user's own key
      const fields = { login: e.userLogin, displayName: e.userName, description: e.description, email: e.email };
      return rc.record('user', e.userId, change, [fieldsSet(fields)]);
    }
    case 'channel.update@2': {
      const e = event as E<'channel.update@2'>;
      const channel = fieldsSet({
        title: e.title,
        broadcasterLanguage: e.language,
        gameId: e.categoryId,
        gameName: e.categoryName,
        contentClassificationLabels: [...e.contentClassificationLabels],
      });
      const stream = fieldsSet({
        title: e.title,
        gameId: e.categoryId,
        gameName: e.categoryName,
        language: e.language,
      });
      await Promise.all([rc.record('channel', b, change, [channel]), rc.record('stream', b, change, [stream])]);
      return;
    }
    case 'stream.online@1': {
      const e = event as E<'stream.online@1'>;
      const announced: Stream = {
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
      // Helix flaps between live and offline for a while after a stream starts: live it is, and Helix's own answer
      // of the same stream (with its title and viewers) is kept over the one the event announces
      return rc.record('stream', b, change, [replacedBy(announced, 'id')]);
    }
    case 'stream.offline@1':
      return rc.record('stream', b, change, [replacedBy(null)]);
    case 'channel.moderator.add@1':
    case 'channel.vip.add@1':
      return rc.record(key.startsWith('channel.vip') ? 'vips' : 'moderators', b, change, [
        memberAdded('userId', refOf(ev)),
      ]);
    case 'channel.moderator.remove@1':
    case 'channel.vip.remove@1':
    case 'channel.unban@1':
      return rc.record(kindOf(key), b, change, [memberRemoved('userId', String(ev.userId))]);
    case 'channel.ban@1': {
      const e = event as E<'channel.ban@1'>;
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
      return rc.record('bans', b, change, [memberAdded('userId', entry)]);
    }
    case 'channel.chat_settings.update@1': {
      const e = event as E<'channel.chat_settings.update@1'>;
      const fields: Partial<ChatSettings> = {
        emoteMode: e.emoteMode,
        followerMode: e.followerMode,
        followerModeDuration: e.followerModeDurationMinutes as number | null,
        slowMode: e.slowMode,
        slowModeWaitTime: e.slowModeWaitTimeSeconds as number | null,
        subscriberMode: e.subscriberMode,
        uniqueChatMode: e.uniqueChatMode,
      };
      return rc.record('chat_settings', b, change, [fieldsSet(fields)]);
    }
    case 'channel.channel_points_custom_reward.add@1':
    case 'channel.channel_points_custom_reward.update@1': {
      // the whole reward, as Get Custom Reward would show it: a reload instead would let a refetch store Helix's
      // lagging answer after the event was received
      const reward = rewardOf(event as E<'channel.channel_points_custom_reward.update@1'>);
      return rc.record('rewards', b, change, [memberAdded('id', reward)]);
    }
    case 'channel.channel_points_custom_reward.remove@1':
      return rc.record('rewards', b, change, [memberRemoved('id', String(ev.id))]);
    case 'channel.follow@2':
      return rc.reload('followers', b, change);
    default: {
      const kind = RELOADS[key.slice(0, key.indexOf('@'))];
      if (kind && b) return rc.reload(kind, b, change);
    }
  }
}

/** Events that say a read changed without carrying the change. */
const RELOADS: Record<string, ResourceKind> = {
  'channel.poll.begin': 'polls',
  'channel.poll.progress': 'polls',
  'channel.poll.end': 'polls',
  'channel.prediction.begin': 'predictions',
  'channel.prediction.progress': 'predictions',
  'channel.prediction.lock': 'predictions',
  'channel.prediction.end': 'predictions',
  'channel.goal.begin': 'goals',
  'channel.goal.progress': 'goals',
  'channel.goal.end': 'goals',
  'channel.hype_train.begin': 'hype_train',
  'channel.hype_train.progress': 'hype_train',
  'channel.hype_train.end': 'hype_train',
  'channel.subscribe': 'subscriptions',
  'channel.subscription.end': 'subscriptions',
  'channel.subscription.gift': 'subscriptions',
};

function kindOf(key: string): 'moderators' | 'vips' | 'bans' {
  if (key.startsWith('channel.vip')) return 'vips';
  if (key.startsWith('channel.unban') || key.startsWith('channel.ban')) return 'bans';
  return 'moderators';
}

function refOf(ev: Record<string, unknown>): UserModerator {
  return { userId: String(ev.userId), userLogin: String(ev.userLogin ?? ''), userName: String(ev.userName ?? '') };
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
