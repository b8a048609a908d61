/**
 * `client.chat`: sending messages (`say`, `reply`), chat settings (kept fresh by channel.chat_settings.update) and
 * channel emotes (TTL only).
 */

import { fieldsSet } from '../../catalog/ops.js';
import { HelixError, ValidationError } from '../../errors.js';
import type { ChatSettings, GetChannelEmotesResponse, UpdateChatSettingsBody } from '../../generated/helix-types.js';
import type { CachedReadOptions } from '../resource-cache.js';
import { checkId, first, type ResourceContext } from './context.js';

/** A message Twitch accepted: its id (to reply to it, or to delete it). */
export interface SentChatMessage {
  /** The id Twitch gave the message sent. */
  messageId: string;
}

/** What {@link ChatResource.reply} needs of the message it answers: a `channel.chat.message` event has both. */
export interface ChatMessageRef {
  /** The channel the message was sent in. */
  broadcasterUserId: string;
  /** The id of the message answered. */
  messageId: string;
}

/** Twitch's limit on a chat message, in characters. */
const MAX_MESSAGE = 500;

/** Cached chat settings and emotes, and sending messages as the Client's user. */
export class ChatResource {
  readonly #c: ResourceContext;

  /** @internal */
  constructor(context: ResourceContext) {
    this.#c = context;
  }

  /**
   * Sends `message` to `broadcasterId`'s chat as the Client's user (needs `user:write:chat`, which the built-in
   * flow asks for). Resolves with the message's id; a message Twitch drops (AutoMod, ...) rejects with a
   * {@link HelixError} carrying Twitch's reason, a token without the scope with an `AuthError`, and an empty or
   * oversized message with a {@link ValidationError} before any request.
   */
  async say(broadcasterId: string, message: string, options?: { replyTo?: string }): Promise<SentChatMessage> {
    const b = checkId('broadcasterId', broadcasterId);
    if (typeof message !== 'string' || message.length === 0 || message.length > MAX_MESSAGE) {
      throw new ValidationError('argument', 'message', `must be a string of 1 to ${MAX_MESSAGE} characters`);
    }
    const replyTo = options?.replyTo === undefined ? undefined : checkId('replyTo', options.replyTo);
    return this.#send(b, message, replyTo);
  }

  /** Answers a chat message (a `channel.chat.message` event) in its channel, as a reply in Twitch's thread. */
  async reply(to: ChatMessageRef, message: string): Promise<SentChatMessage> {
    if (!to || typeof to !== 'object') throw new ValidationError('argument', 'to', 'must be the message to answer');
    return this.say(to.broadcasterUserId, message, { replyTo: to.messageId });
  }

  async #send(broadcasterId: string, message: string, replyTo: string | undefined): Promise<SentChatMessage> {
    const senderId = this.#c.userId();
    if (!senderId) throw new ValidationError('argument', 'senderId', 'the Client has no user yet: await client.run()');
    const answer = await this.#c.helix.chat.sendChatMessage({
      broadcasterId,
      senderId,
      message,
      ...(replyTo === undefined ? {} : { replyParentMessageId: replyTo }),
    });
    const sent = answer.data[0];
    if (!sent?.isSent) {
      const reason = sent?.dropReason;
      throw new HelixError(
        {
          status: 200,
          method: 'POST',
          endpoint: '/chat/messages',
          twitchMessage: reason?.message ?? 'message not sent',
        },
        { code: 'TWITCHIFY_CHAT_DROPPED' },
      );
    }
    return { messageId: sent.messageId };
  }

  /** The channel's chat settings as the reading user sees them (moderators see the chat delay too). */
  async getSettings(broadcasterId: string, options?: CachedReadOptions): Promise<ChatSettings | null> {
    const b = checkId('broadcasterId', broadcasterId);
    const reader = options?.asUser ?? this.#c.userId();
    return this.#c.rc.read(
      'chat_settings',
      b,
      reader,
      async (signal) =>
        first(
          await this.#c.helix.chat.getChatSettings(
            { broadcasterId: b, moderatorId: reader },
            { signal, asUser: reader },
          ),
        ),
      options,
    );
  }

  /** Updates chat settings; Twitch's answer is written through. */
  async updateSettings(broadcasterId: string, body: UpdateChatSettingsBody, options?: { asUser?: string }) {
    const b = checkId('broadcasterId', broadcasterId);
    const moderatorId = options?.asUser ?? this.#c.userId() ?? b;
    const answer = await this.#c.rc.written(
      'chat_settings',
      b,
      () => this.#c.helix.chat.updateChatSettings({ broadcasterId: b, moderatorId }, body, { asUser: moderatorId }),
      [fieldsSet(settingsOf(body))],
      (sent) => {
        const settings = sent.data[0] as ChatSettings | undefined;
        return settings === undefined ? undefined : [fieldsSet(settingsOf(settings))];
      },
    );
    return (answer.data[0] ?? null) as ChatSettings | null;
  }

  /** The broadcaster's custom emotes. TTL-bounded: no event reports emote changes. */
  async getChannelEmotes(broadcasterId: string, options?: CachedReadOptions): Promise<GetChannelEmotesResponse> {
    const b = checkId('broadcasterId', broadcasterId);
    return this.#c.rc.read(
      'emotes',
      b,
      undefined,
      (signal) => this.#c.helix.chat.getChannelEmotes({ broadcasterId: b }, { signal }),
      options,
    );
  }
}

const SETTINGS_FIELDS = [
  'emoteMode',
  'followerMode',
  'followerModeDuration',
  'slowMode',
  'slowModeWaitTime',
  'subscriberMode',
  'uniqueChatMode',
] as const;

/** The fields of chat settings that events and writes carry, from `from` (fields it lacks are left out). */
function settingsOf(from: Partial<Record<(typeof SETTINGS_FIELDS)[number], unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of SETTINGS_FIELDS) if (from[f] !== undefined) out[f] = from[f];
  return out;
}
