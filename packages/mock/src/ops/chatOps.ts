import type { ChangeOrigin } from '../state/versionedStore.js';
import type { ChatSettingsState } from '../state/wireTypes.js';
import type { World } from '../state/world.js';
import { channelEvent } from './channelEvent.js';

/** Commits chat settings; publishes `channel.chat_settings.update`. */
export function updateChatSettings(
  world: World,
  b: string,
  patch: Partial<ChatSettingsState>,
  origin: ChangeOrigin,
): ChatSettingsState {
  const current = world.truth<ChatSettingsState>(`chat_settings:${b}`);
  const next: ChatSettingsState = { ...current, ...patch, broadcaster_id: b };
  // Twitch keeps durations only while their mode is on.
  if (!next.slow_mode) next.slow_mode_wait_time = null;
  else next.slow_mode_wait_time ??= 30;
  if (!next.follower_mode) next.follower_mode_duration = null;
  else next.follower_mode_duration ??= 0;
  if (!next.non_moderator_chat_delay) next.non_moderator_chat_delay_duration = null;
  else next.non_moderator_chat_delay_duration ??= 2;
  world.commit(`chat_settings:${b}`, next, origin, [
    channelEvent('channel.chat_settings.update', b, {
      ...world.broadcasterFields(b),
      emote_mode: next.emote_mode,
      follower_mode: next.follower_mode,
      follower_mode_duration_minutes: next.follower_mode_duration,
      slow_mode: next.slow_mode,
      slow_mode_wait_time_seconds: next.slow_mode_wait_time,
      subscriber_mode: next.subscriber_mode,
      unique_chat_mode: next.unique_chat_mode,
    }),
  ]);
  return next;
}
