/**
 * The scopes a user token needs to create each EventSub subscription type, from Twitch's EventSub subscription-type
 * reference ("Authorization" of each type). The built-in flow asks for them for the types the app has handlers for,
 * `client.run()` warns at start when a given token lacks them, and a refusal names them.
 */

/**
 * Per type: every entry must be met, and an entry is met by any one of its scopes (Twitch lists alternatives, such as
 * `channel:read:polls` or `channel:manage:polls`); the first scope of an entry is the one the built-in flow asks for.
 * A type with no entry needs no scope; a type missing from the table is unknown here and asks for nothing.
 */
const REQUIRED: Readonly<Record<string, readonly (readonly string[])[]>> = (() => {
  const one = (...alternatives: string[]) => [alternatives];
  const table: Record<string, readonly (readonly string[])[]> = {};
  const set = (types: string, scopes: readonly (readonly string[])[]) => {
    for (const t of types.split(' ')) table[t] = scopes;
  };
  set('automod.message.hold automod.message.update automod.terms.update', one('moderator:manage:automod'));
  set('automod.settings.update', one('moderator:read:automod_settings', 'moderator:manage:automod_settings'));
  set('channel.bits.use channel.cheer', one('bits:read'));
  set('channel.follow', one('moderator:read:followers'));
  set('channel.ad_break.begin', one('channel:read:ads'));
  set(
    'channel.chat.clear channel.chat.clear_user_messages channel.chat.message channel.chat.message_delete ' +
      'channel.chat.notification channel.chat_settings.update channel.chat.user_message_hold ' +
      'channel.chat.user_message_update',
    one('user:read:chat'),
  );
  set(
    'channel.subscribe channel.subscription.end channel.subscription.gift channel.subscription.message',
    one('channel:read:subscriptions'),
  );
  set('channel.ban channel.unban', one('channel:moderate'));
  set(
    'channel.unban_request.create channel.unban_request.resolve',
    one('moderator:read:unban_requests', 'moderator:manage:unban_requests'),
  );
  set('channel.moderate', [
    ['moderator:read:blocked_terms', 'moderator:manage:blocked_terms'],
    ['moderator:read:chat_settings', 'moderator:manage:chat_settings'],
    ['moderator:read:unban_requests', 'moderator:manage:unban_requests'],
    ['moderator:read:banned_users', 'moderator:manage:banned_users'],
    ['moderator:read:chat_messages', 'moderator:manage:chat_messages'],
    ['moderator:read:moderators'],
    ['moderator:read:vips'],
  ]);
  set('channel.moderator.add channel.moderator.remove', one('moderation:read'));
  set(
    'channel.guest_star_session.begin channel.guest_star_session.end channel.guest_star_guest.update ' +
      'channel.guest_star_settings.update',
    one(
      'channel:read:guest_star',
      'channel:manage:guest_star',
      'moderator:read:guest_star',
      'moderator:manage:guest_star',
    ),
  );
  set(
    'channel.channel_points_automatic_reward_redemption.add channel.channel_points_custom_reward.add ' +
      'channel.channel_points_custom_reward.update channel.channel_points_custom_reward.remove ' +
      'channel.channel_points_custom_reward_redemption.add channel.channel_points_custom_reward_redemption.update',
    one('channel:read:redemptions', 'channel:manage:redemptions'),
  );
  set('channel.poll.begin channel.poll.progress channel.poll.end', one('channel:read:polls', 'channel:manage:polls'));
  set(
    'channel.prediction.begin channel.prediction.progress channel.prediction.lock channel.prediction.end',
    one('channel:read:predictions', 'channel:manage:predictions'),
  );
  set('channel.suspicious_user.update channel.suspicious_user.message', one('moderator:read:suspicious_users'));
  set('channel.vip.add channel.vip.remove', one('channel:read:vips', 'channel:manage:vips'));
  set('channel.warning.acknowledge channel.warning.send', one('moderator:read:warnings', 'moderator:manage:warnings'));
  set('channel.hype_train.begin channel.hype_train.progress channel.hype_train.end', one('channel:read:hype_train'));
  set(
    'channel.charity_campaign.donate channel.charity_campaign.start channel.charity_campaign.progress ' +
      'channel.charity_campaign.stop',
    one('channel:read:charity'),
  );
  set(
    'channel.shield_mode.begin channel.shield_mode.end',
    one('moderator:read:shield_mode', 'moderator:manage:shield_mode'),
  );
  set(
    'channel.shoutout.create channel.shoutout.receive',
    one('moderator:read:shoutouts', 'moderator:manage:shoutouts'),
  );
  set('channel.goal.begin channel.goal.progress channel.goal.end', one('channel:read:goals'));
  set('user.whisper.message', one('user:read:whispers', 'user:manage:whispers'));
  return table;
})();

/** Scopes the built-in flow asks for so the app can send chat (`client.chat.say`, `reply`). */
export const CHAT_SCOPES: readonly string[] = ['user:write:chat', 'user:bot'];

/** The requirement entries of a subscription type (each met by any one of its scopes). */
export function requiredScopes(type: string): readonly (readonly string[])[] {
  return REQUIRED[type] ?? [];
}

/**
 * The entries of `type` that `granted` does not meet, each as the scope to ask for (with its alternatives after
 * ` or `): empty when the token may create the subscription.
 */
export function missingScopes(type: string, granted: ReadonlySet<string>): string[] {
  return requiredScopes(type)
    .filter((entry) => !entry.some((s) => granted.has(s)))
    .map((entry) => entry.join(' or '));
}

/** The scopes to ask for so that every type of `types` can be subscribed (the first scope of each entry). */
export function scopesForTypes(types: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const type of types) for (const entry of requiredScopes(type)) if (entry[0]) out.add(entry[0]);
  return [...out];
}
