/**
 * What Twitch requires to create each EventSub subscription `type@version` (from Twitch's EventSub subscription-type
 * reference, facts only): the condition fields, and the scopes a user token must hold. Hand-kept: the spec's
 * examples carry conditions but no authorization, so this table is the one place to update when Twitch adds a type.
 */

/** The requirements of one `type@version`. */
export interface SubscriptionRequirement {
  /** Condition fields that must be present. */
  readonly condition: readonly string[];
  /** Condition fields that may be present (e.g. `reward_id` narrows a reward's events). */
  readonly optional?: readonly string[];
  /** Exactly one of these must be present (`channel.raid`: from or to). */
  readonly oneOf?: readonly string[];
  /** Every entry must be met; an entry `a|b` is met by either scope. Empty: no authorization needed. */
  readonly scopes: readonly string[];
  /** Only an app access token may create it (never over WebSocket). */
  readonly appOnly?: true;
}

/** A type whose condition is the broadcaster alone, needing every scope entry given. */
const broadcaster = (...scopes: string[]): SubscriptionRequirement => ({ condition: ['broadcaster_user_id'], scopes });
/** A type whose condition names the broadcaster and a moderator acting for them (the token's user). */
const moderated = (...scopes: string[]): SubscriptionRequirement => ({
  condition: ['broadcaster_user_id', 'moderator_user_id'],
  scopes,
});
/** A chat type: the channel, and the user whose chat it reads (the token's user). */
const chatReader = (): SubscriptionRequirement => ({
  condition: ['broadcaster_user_id', 'user_id'],
  scopes: ['user:read:chat'],
});

/** `channel.moderate` reports every moderation action, so it needs read access to each kind. */
const CHANNEL_MODERATE_SCOPES = [
  'moderator:read:blocked_terms|moderator:manage:blocked_terms',
  'moderator:read:chat_settings|moderator:manage:chat_settings',
  'moderator:read:unban_requests|moderator:manage:unban_requests',
  'moderator:read:banned_users|moderator:manage:banned_users',
  'moderator:read:chat_messages|moderator:manage:chat_messages',
  'moderator:read:moderators',
  'moderator:read:vips',
];

/** Keyed by `type@version`. */
export const SUBSCRIPTION_REQUIREMENTS: Readonly<Record<string, SubscriptionRequirement>> = {
  'automod.message.hold@1': moderated('moderator:manage:automod'),
  'automod.message.hold@2': moderated('moderator:manage:automod'),
  'automod.message.update@1': moderated('moderator:manage:automod'),
  'automod.settings.update@1': moderated('moderator:read:automod_settings|moderator:manage:automod_settings'),
  'automod.terms.update@1': moderated('moderator:manage:automod'),
  'channel.bits.use@1': broadcaster('bits:read'),
  'channel.update@2': broadcaster(),
  'channel.follow@2': moderated('moderator:read:followers'),
  'channel.ad_break.begin@1': broadcaster('channel:read:ads'),
  'channel.chat.clear@1': chatReader(),
  'channel.chat.clear_user_messages@1': chatReader(),
  'channel.chat.message@1': chatReader(),
  'channel.chat.message_delete@1': chatReader(),
  'channel.chat.notification@1': chatReader(),
  'channel.chat_settings.update@1': chatReader(),
  'channel.chat.user_message_hold@1': chatReader(),
  'channel.chat.user_message_update@1': chatReader(),
  'channel.subscribe@1': broadcaster('channel:read:subscriptions'),
  'channel.subscription.end@1': broadcaster('channel:read:subscriptions'),
  'channel.subscription.gift@1': broadcaster('channel:read:subscriptions'),
  'channel.subscription.message@1': broadcaster('channel:read:subscriptions'),
  'channel.cheer@1': broadcaster('bits:read'),
  'channel.raid@1': { condition: [], oneOf: ['from_broadcaster_user_id', 'to_broadcaster_user_id'], scopes: [] },
  'channel.ban@1': broadcaster('channel:moderate'),
  'channel.unban@1': broadcaster('channel:moderate'),
  'channel.unban_request.create@1': moderated('moderator:read:unban_requests|moderator:manage:unban_requests'),
  'channel.unban_request.resolve@1': moderated('moderator:read:unban_requests|moderator:manage:unban_requests'),
  'channel.moderate@1': broadcaster(...CHANNEL_MODERATE_SCOPES),
  'channel.moderate@2': moderated(...CHANNEL_MODERATE_SCOPES),
  'channel.moderator.add@1': broadcaster('moderation:read'),
  'channel.moderator.remove@1': broadcaster('moderation:read'),
  'channel.guest_star_session.begin@beta': moderated(
    'channel:read:guest_star|channel:manage:guest_star|moderator:read:guest_star|moderator:manage:guest_star',
  ),
  'channel.guest_star_session.end@beta': moderated(
    'channel:read:guest_star|channel:manage:guest_star|moderator:read:guest_star|moderator:manage:guest_star',
  ),
  'channel.guest_star_guest.update@beta': moderated(
    'channel:read:guest_star|channel:manage:guest_star|moderator:read:guest_star|moderator:manage:guest_star',
  ),
  'channel.guest_star_settings.update@beta': moderated(
    'channel:read:guest_star|channel:manage:guest_star|moderator:read:guest_star|moderator:manage:guest_star',
  ),
  'channel.channel_points_automatic_reward_redemption.add@1': broadcaster(
    'channel:read:redemptions|channel:manage:redemptions',
  ),
  'channel.channel_points_automatic_reward_redemption.add@2': broadcaster(
    'channel:read:redemptions|channel:manage:redemptions',
  ),
  'channel.channel_points_custom_reward.add@1': broadcaster('channel:read:redemptions|channel:manage:redemptions'),
  'channel.channel_points_custom_reward.update@1': {
    condition: ['broadcaster_user_id'],
    optional: ['reward_id'],
    scopes: ['channel:read:redemptions|channel:manage:redemptions'],
  },
  'channel.channel_points_custom_reward.remove@1': {
    condition: ['broadcaster_user_id'],
    optional: ['reward_id'],
    scopes: ['channel:read:redemptions|channel:manage:redemptions'],
  },
  'channel.channel_points_custom_reward_redemption.add@1': {
    condition: ['broadcaster_user_id'],
    optional: ['reward_id'],
    scopes: ['channel:read:redemptions|channel:manage:redemptions'],
  },
  'channel.channel_points_custom_reward_redemption.update@1': {
    condition: ['broadcaster_user_id'],
    optional: ['reward_id'],
    scopes: ['channel:read:redemptions|channel:manage:redemptions'],
  },
  'channel.poll.begin@1': broadcaster('channel:read:polls|channel:manage:polls'),
  'channel.poll.progress@1': broadcaster('channel:read:polls|channel:manage:polls'),
  'channel.poll.end@1': broadcaster('channel:read:polls|channel:manage:polls'),
  'channel.prediction.begin@1': broadcaster('channel:read:predictions|channel:manage:predictions'),
  'channel.prediction.progress@1': broadcaster('channel:read:predictions|channel:manage:predictions'),
  'channel.prediction.lock@1': broadcaster('channel:read:predictions|channel:manage:predictions'),
  'channel.prediction.end@1': broadcaster('channel:read:predictions|channel:manage:predictions'),
  'channel.suspicious_user.update@1': moderated('moderator:read:suspicious_users'),
  'channel.suspicious_user.message@1': {
    condition: ['moderator_user_id', 'broadcaster_user_id'],
    scopes: ['moderator:read:suspicious_users'],
  },
  'channel.vip.add@1': broadcaster('channel:read:vips|channel:manage:vips'),
  'channel.vip.remove@1': broadcaster('channel:read:vips|channel:manage:vips'),
  'channel.warning.acknowledge@1': moderated('moderator:read:warnings|moderator:manage:warnings'),
  'channel.warning.send@1': moderated('moderator:read:warnings|moderator:manage:warnings'),
  'channel.hype_train.begin@2': broadcaster('channel:read:hype_train'),
  'channel.hype_train.progress@2': broadcaster('channel:read:hype_train'),
  'channel.hype_train.end@2': broadcaster('channel:read:hype_train'),
  'channel.charity_campaign.donate@1': broadcaster('channel:read:charity'),
  'channel.charity_campaign.start@1': broadcaster('channel:read:charity'),
  'channel.charity_campaign.progress@1': broadcaster('channel:read:charity'),
  'channel.charity_campaign.stop@1': broadcaster('channel:read:charity'),
  'channel.shared_chat.begin@1': broadcaster(),
  'channel.shared_chat.update@1': broadcaster(),
  'channel.shared_chat.end@1': broadcaster(),
  'channel.shield_mode.begin@1': moderated('moderator:read:shield_mode|moderator:manage:shield_mode'),
  'channel.shield_mode.end@1': moderated('moderator:read:shield_mode|moderator:manage:shield_mode'),
  'channel.shoutout.create@1': moderated('moderator:read:shoutouts|moderator:manage:shoutouts'),
  'channel.shoutout.receive@1': moderated('moderator:read:shoutouts|moderator:manage:shoutouts'),
  'conduit.shard.disabled@1': { condition: ['client_id'], scopes: [], appOnly: true },
  'extension.bits_transaction.create@1': { condition: ['extension_client_id'], scopes: [], appOnly: true },
  'channel.goal.begin@1': broadcaster('channel:read:goals'),
  'channel.goal.progress@1': broadcaster('channel:read:goals'),
  'channel.goal.end@1': broadcaster('channel:read:goals'),
  'stream.online@1': broadcaster(),
  'stream.offline@1': broadcaster(),
  'drop.entitlement.grant@1': {
    condition: ['organization_id'],
    optional: ['category_id', 'campaign_id'],
    scopes: [],
    appOnly: true,
  },
  'user.authorization.grant@1': { condition: ['client_id'], scopes: [], appOnly: true },
  'user.authorization.revoke@1': { condition: ['client_id'], scopes: [], appOnly: true },
  'user.update@1': { condition: ['user_id'], scopes: [] },
  'user.whisper.message@1': { condition: ['user_id'], scopes: ['user:read:whispers|user:manage:whispers'] },
};

/** Twitch's answer when a token lacks the authorization a subscription type needs. */
export const MISSING_AUTHORIZATION = 'subscription missing proper authorization';

/** Scope entries of `req` that `scopes` does not meet (empty when authorized). */
export function missingScopes(req: SubscriptionRequirement, scopes: readonly string[]): string[] {
  return req.scopes.filter((entry) => !entry.split('|').some((s) => scopes.includes(s)));
}

/**
 * The first problem with `condition` for `req`: a missing required field, or a missing or doubled one-of field.
 * Undefined when the condition is acceptable. Fields the type does not take pass, as they always have here.
 */
export function conditionProblem(req: SubscriptionRequirement, condition: Record<string, string>): string | undefined {
  const present = (k: string) => typeof condition[k] === 'string' && condition[k] !== '';
  const missing = req.condition.find((k) => !present(k));
  if (missing) return `The condition field "${missing}" is required`;
  if (req.oneOf) {
    const given = req.oneOf.filter(present);
    if (given.length !== 1) return `Exactly one of the condition fields "${req.oneOf.join('", "')}" is required`;
  }
  return undefined;
}
