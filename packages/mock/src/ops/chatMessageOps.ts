import type { ChangeOrigin } from '../state/versionedStore.js';
import type { World } from '../state/world.js';
import { channelEvent } from './channelEvent.js';

/** How many messages per channel the emulator remembers (for `mock.chatMessages` and reply parents). */
const KEPT = 200;

/** A message as the emulator keeps it (wire fields). */
export interface ChatLine {
  message_id: string;
  broadcaster_user_id: string;
  chatter_user_id: string;
  chatter_user_login: string;
  chatter_user_name: string;
  text: string;
  sent_at: string;
  reply_parent_message_id: string | null;
}

/** The messages a channel's chat holds now, oldest first. */
export function chatLines(world: World, b: string): ChatLine[] {
  return world.store.truth<ChatLine[]>(`chat_messages:${b}`)?.state ?? [];
}

/**
 * Posts a message in `b`'s chat from `chatter`: kept (bounded) and published as `channel.chat.message` with the
 * fields of Twitch's reference (plain text: one text fragment, no badges, no cheer). A reply names its parent, which
 * must be one of the messages kept; returns undefined when it is not.
 */
export function postChatMessage(
  world: World,
  b: string,
  chatter: string,
  text: string,
  origin: ChangeOrigin,
  replyTo?: string,
): ChatLine | undefined {
  const lines = chatLines(world, b);
  const parent = replyTo === undefined ? undefined : lines.find((l) => l.message_id === replyTo);
  if (replyTo !== undefined && !parent) return undefined;
  const line: ChatLine = {
    message_id: world.newId(),
    broadcaster_user_id: b,
    chatter_user_id: chatter,
    chatter_user_login: world.user(chatter).login,
    chatter_user_name: world.user(chatter).display_name,
    text,
    sent_at: world.now(),
    reply_parent_message_id: parent?.message_id ?? null,
  };
  // A reply's thread starts at its parent's own parent when the parent was a reply itself.
  const root = parent?.reply_parent_message_id
    ? (lines.find((l) => l.message_id === parent.reply_parent_message_id) ?? parent)
    : parent;
  const reply = parent
    ? {
        parent_message_id: parent.message_id,
        parent_message_body: parent.text,
        ...world.userFields(parent.chatter_user_id, 'parent'),
        thread_message_id: root!.message_id,
        ...world.userFields(root!.chatter_user_id, 'thread'),
      }
    : null;
  world.commit(`chat_messages:${b}`, [...lines.slice(-(KEPT - 1)), line], origin, [
    channelEvent('channel.chat.message', b, {
      ...world.broadcasterFields(b),
      ...world.userFields(chatter, 'chatter'),
      message_id: line.message_id,
      message: { text, fragments: [{ type: 'text', text, cheermote: null, emote: null, mention: null }] },
      color: '',
      badges: [],
      message_type: 'text',
      cheer: null,
      reply,
      channel_points_custom_reward_id: null,
      channel_points_animation_id: null,
      source_broadcaster_user_id: null,
      source_broadcaster_user_login: null,
      source_broadcaster_user_name: null,
      source_message_id: null,
      source_badges: null,
    }),
  ]);
  return line;
}
