/**
 * Turns EventSub notifications into cache changes, per the catalog: events that carry the new state patch every
 * cached copy (and are remembered for loads, so a lagging Helix cannot undo them); events that only say something
 * changed invalidate by tag.
 */
import type { EventSubEventMap } from '@twitchify/eventsub';
import type { ResourceKind } from '../catalog/types.js';
import type {
  BannedUser,
  ChannelInformation,
  ChatSettings,
  CustomReward,
  Stream,
  User,
  UserModerator,
} from '../generated/helix-types.js';
import { memberAdded, memberRemoved } from './member-ops.js';
import type { ResourceCache } from './resource-cache.js';
import { sameChatSettings } from './resources/chat.js';

type E<K extends keyof EventSubEventMap> = EventSubEventMap[K];
type Ref = { userId: string; userLogin: string; userName: string };

/** Applies one notification (`key` = `type@version`) to the cache. Unknown types change nothing. */
export async function routeEvent(
  rc: ResourceCache,
  key: string,
  event: unknown,
  change: { id: string; at: number },
): Promise<void> {
  const ev = event as Record<string, unknown>;
  const b = String(ev.broadcasterUserId ?? '');
  switch (key) {
    case 'user.update@1': {
      const e = event as E<'user.update@1'>;
      const fields = { login: e.userLogin, displayName: e.userName, description: e.description };
      return rc.patch<User | null>(
        'user',
        e.userId,
        change,
        (old) => (old ? { ...old, ...fields, ...(e.email ? { email: e.email } : {}) } : old),
        (loaded) => loaded?.description === e.description && loaded.login === e.userLogin,
      );
    }
    case 'channel.update@2': {
      const e = event as E<'channel.update@2'>;
      const fields = {
        title: e.title,
        broadcasterLanguage: e.language,
        gameId: e.categoryId,
        gameName: e.categoryName,
        contentClassificationLabels: [...e.contentClassificationLabels],
      };
      await rc.patch<ChannelInformation | null>(
        'channel',
        b,
        change,
        (old) => (old ? { ...old, ...fields } : old),
        (loaded) => loaded?.title === e.title && loaded.gameId === e.categoryId,
      );
      return rc.patch<Stream | null>(
        'stream',
        b,
        change,
        (old) =>
          old ? { ...old, title: e.title, gameId: e.categoryId, gameName: e.categoryName, language: e.language } : old,
        (loaded) => loaded === null || loaded.title === e.title,
      );
    }
    case 'stream.online@1': {
      const e = event as E<'stream.online@1'>;
      const built: Stream = {
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
      // Helix flaps between live and offline for a while after a stream starts: keep answering live.
      return rc.patch<Stream | null>(
        'stream',
        b,
        change,
        (old) => (old && old.id === e.id ? old : built),
        (loaded) => loaded?.id === e.id,
      );
    }
    case 'stream.offline@1':
      return rc.patch<Stream | null>(
        'stream',
        b,
        change,
        () => null,
        (loaded) => loaded === null,
      );
    case 'channel.moderator.add@1':
    case 'channel.vip.add@1':
      return listAdd(rc, key.startsWith('channel.vip') ? 'vips' : 'moderators', b, change, refOf(ev));
    case 'channel.moderator.remove@1':
    case 'channel.vip.remove@1':
    case 'channel.unban@1':
      return listRemove(rc, kindOf(key), b, change, String(ev.userId));
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
      return listAdd(rc, 'bans', b, change, entry);
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
      return rc.patch<ChatSettings | null>(
        'chat_settings',
        b,
        change,
        (old) => (old ? { ...old, ...fields } : old),
        (loaded) => sameChatSettings(loaded, fields),
      );
    }
    case 'channel.channel_points_custom_reward.add@1':
    case 'channel.channel_points_custom_reward.update@1': {
      // the whole reward, as Get Custom Reward would show it: invalidating instead would let a refetch store
      // Helix's lagging answer after the event was received
      const reward = rewardOf(event as E<'channel.channel_points_custom_reward.update@1'>);
      return rc.recordMember('rewards', b, change, memberAdded('id', reward));
    }
    case 'channel.channel_points_custom_reward.remove@1':
      return rc.recordMember('rewards', b, change, memberRemoved('id', String(ev.id)));
    case 'channel.follow@2':
      return rc.invalidate('followers', b, change);
    default: {
      const kind = INVALIDATES[key.slice(0, key.indexOf('@'))];
      if (kind && b) return rc.invalidate(kind, b, change);
    }
  }
}

const INVALIDATES: Record<string, ResourceKind> = {
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

function listAdd(
  rc: ResourceCache,
  kind: 'moderators' | 'vips' | 'bans',
  b: string,
  change: { id: string; at: number },
  entry: Ref,
): Promise<void> {
  return rc.recordMember(kind, b, change, memberAdded('userId', entry));
}

function listRemove(
  rc: ResourceCache,
  kind: 'moderators' | 'vips' | 'bans',
  b: string,
  change: { id: string; at: number },
  userId: string,
): Promise<void> {
  return rc.recordMember(kind, b, change, memberRemoved('userId', userId));
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
