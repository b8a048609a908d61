/** `client.chat`: chat settings (kept fresh by channel.chat_settings.update) and channel emotes (TTL only). */
import type { ChatSettings, GetChannelEmotesResponse, UpdateChatSettingsBody } from '../../generated/helix-types.js';
import type { CachedReadOptions } from '../resource-cache.js';
import { checkId, first, type ResourceContext } from './context.js';

export class ChatResource {
  readonly #c: ResourceContext;

  constructor(context: ResourceContext) {
    this.#c = context;
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
      (sent) => {
        const settings = (sent.data[0] ?? null) as ChatSettings | null;
        if (!settings) return undefined;
        return {
          apply: (old: ChatSettings | null): ChatSettings | null => ({ ...(old ?? {}), ...settings }),
          agrees: (loaded: ChatSettings | null) => sameChatSettings(loaded, settings),
        };
      },
      () => this.getSettings(b, { asUser: moderatorId }),
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

/** Whether two chat settings agree on the fields events and writes carry. */
export function sameChatSettings(a: Partial<ChatSettings> | null, b: Partial<ChatSettings>): boolean {
  if (a === null) return false;
  return SETTINGS_FIELDS.every((f) => b[f] === undefined || a[f] === b[f]);
}
