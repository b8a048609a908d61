import { MockStateError } from './errors.js';
import { createExternalExtras, type ExternalChannelExtras } from './externalExtras.js';
import { type ChannelPatch, goLive, goOffline, type UserPatch, updateChannel, updateUser } from './ops/channelOps.js';
import { type ChatLine, postChatMessage } from './ops/chatMessageOps.js';
import { updateChatSettings } from './ops/chatOps.js';
import { addRole, ban, follow, isBanned, removeRole, unban, unfollow } from './ops/communityOps.js';
import type { HistoryEntry } from './state/versionedStore.js';
import type { ChatSettingsState } from './state/wireTypes.js';
import type { World } from './state/world.js';

/** A channel change made on twitch.tv (camelCase, as the public API is). */
export interface ExternalChannelPatch {
  title?: string;
  gameId?: string;
  gameName?: string;
  language?: string;
  delay?: number;
  tags?: string[];
  contentClassificationLabels?: string[];
  isBrandedContent?: boolean;
}

/** A user change made on twitch.tv. */
export interface ExternalUserPatch {
  login?: string;
  displayName?: string;
  description?: string;
  email?: string;
  broadcasterType?: string;
  profileImageUrl?: string;
  offlineImageUrl?: string;
}

/** A chat settings change made on twitch.tv. */
export interface ExternalChatSettingsPatch {
  emoteMode?: boolean;
  followerMode?: boolean;
  followerModeDuration?: number | null;
  slowMode?: boolean;
  slowModeWaitTime?: number | null;
  subscriberMode?: boolean;
  uniqueChatMode?: boolean;
  nonModeratorChatDelay?: boolean;
  nonModeratorChatDelayDuration?: number | null;
}

/**
 * Changes made "on twitch.tv": each commits at once (a new version in the history) and the matching EventSub
 * notification goes to the hub, which delivers it per the delivery settings. Each returns the committed version
 * of the resource it names, or undefined when nothing changed (following twice, removing a non-moderator).
 */
export interface ExternalChanges extends ExternalChannelExtras {
  updateChannel(broadcasterId: string, patch: ExternalChannelPatch): HistoryEntry;
  follow(broadcasterId: string, userId: string): HistoryEntry | undefined;
  unfollow(broadcasterId: string, userId: string): HistoryEntry | undefined;
  addModerator(broadcasterId: string, userId: string): HistoryEntry | undefined;
  removeModerator(broadcasterId: string, userId: string): HistoryEntry | undefined;
  addVip(broadcasterId: string, userId: string): HistoryEntry | undefined;
  removeVip(broadcasterId: string, userId: string): HistoryEntry | undefined;
  ban(
    broadcasterId: string,
    userId: string,
    options?: { expiresAt?: string | Date; reason?: string; moderatorId?: string },
  ): HistoryEntry;
  unban(broadcasterId: string, userId: string, options?: { moderatorId?: string }): HistoryEntry | undefined;
  goLive(broadcasterId: string): HistoryEntry;
  goOffline(broadcasterId: string): HistoryEntry;
  updateUser(userId: string, patch: ExternalUserPatch): HistoryEntry;
  updateChatSettings(broadcasterId: string, patch: ExternalChatSettingsPatch): HistoryEntry;
  /**
   * `userId` writes `text` in `broadcasterId`'s chat (a reply when `replyTo` names a message of that chat);
   * publishes `channel.chat.message`. Returns the message as kept.
   */
  chat(broadcasterId: string, userId: string, text: string, options?: { replyTo?: string }): ChatLine;
}

function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Builds the `mock.external` object over a world. */
export function createExternalChanges(world: World): ExternalChanges {
  const need = (...ids: string[]) => {
    for (const id of ids) if (!world.userExists(id)) throw new MockStateError(`unknown user ${id}`);
  };
  const latest = (key: string): HistoryEntry => world.store.truth(key) as HistoryEntry;
  const when = (changed: boolean, key: string) => (changed ? latest(key) : undefined);
  /** A change to one user's or channel's state: the id must exist; answers the version it committed. */
  const applied = (id: string, change: () => unknown, key: string): HistoryEntry => {
    need(id);
    change();
    return latest(key);
  };
  /** A change between a broadcaster and a user: both must exist; undefined when it changed nothing. */
  const pair = (b: string, u: string, change: () => boolean, key: string) => {
    need(b, u);
    return when(change(), key);
  };
  return {
    ...createExternalExtras(world),
    updateChannel(b, patch) {
      const wire: ChannelPatch = defined({
        title: patch.title,
        game_id: patch.gameId,
        game_name: patch.gameName,
        broadcaster_language: patch.language,
        delay: patch.delay,
        tags: patch.tags,
        content_classification_labels: patch.contentClassificationLabels,
        is_branded_content: patch.isBrandedContent,
      });
      return applied(b, () => updateChannel(world, b, wire, 'external'), `channel:${b}`);
    },
    follow: (b, u) => pair(b, u, () => follow(world, b, u, 'external'), `followers:${b}`),
    unfollow: (b, u) => pair(b, u, () => unfollow(world, b, u, 'external'), `followers:${b}`),
    addModerator: (b, u) => pair(b, u, () => addRole(world, 'moderators', b, u, 'external'), `moderators:${b}`),
    removeModerator: (b, u) => pair(b, u, () => removeRole(world, 'moderators', b, u, 'external'), `moderators:${b}`),
    addVip: (b, u) => pair(b, u, () => addRole(world, 'vips', b, u, 'external'), `vips:${b}`),
    removeVip: (b, u) => pair(b, u, () => removeRole(world, 'vips', b, u, 'external'), `vips:${b}`),
    ban(b, u, options = {}) {
      need(b, u, ...(options.moderatorId ? [options.moderatorId] : []));
      const expiresAt = options.expiresAt instanceof Date ? options.expiresAt.toISOString() : options.expiresAt;
      ban(world, b, u, defined({ expiresAt, reason: options.reason, moderatorId: options.moderatorId }), 'external');
      return latest(`bans:${b}`);
    },
    unban(b, u, options = {}) {
      need(b, u);
      if (!isBanned(world, b, u)) return undefined;
      return when(unban(world, b, u, options.moderatorId ?? b, 'external'), `bans:${b}`);
    },
    goLive: (b) => applied(b, () => goLive(world, b, 'external'), `stream:${b}`),
    goOffline: (b) => applied(b, () => goOffline(world, b, 'external'), `stream:${b}`),
    updateUser(u, patch) {
      const wire: UserPatch = defined({
        login: patch.login,
        display_name: patch.displayName,
        description: patch.description,
        email: patch.email,
        broadcaster_type: patch.broadcasterType,
        profile_image_url: patch.profileImageUrl,
        offline_image_url: patch.offlineImageUrl,
      });
      return applied(u, () => updateUser(world, u, wire, 'external'), `user:${u}`);
    },
    updateChatSettings(b, patch) {
      const wire: Partial<ChatSettingsState> = defined({
        emote_mode: patch.emoteMode,
        follower_mode: patch.followerMode,
        follower_mode_duration: patch.followerModeDuration,
        slow_mode: patch.slowMode,
        slow_mode_wait_time: patch.slowModeWaitTime,
        subscriber_mode: patch.subscriberMode,
        unique_chat_mode: patch.uniqueChatMode,
        non_moderator_chat_delay: patch.nonModeratorChatDelay,
        non_moderator_chat_delay_duration: patch.nonModeratorChatDelayDuration,
      });
      return applied(b, () => updateChatSettings(world, b, wire, 'external'), `chat_settings:${b}`);
    },
    chat(b, u, text, options = {}) {
      need(b, u);
      const line = postChatMessage(world, b, u, text, 'external', options.replyTo);
      if (!line) throw new MockStateError(`no message ${options.replyTo} in the chat of ${b}`);
      return line;
    },
  };
}
