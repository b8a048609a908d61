import type { ChangeOrigin } from '../state/versionedStore.js';
import type { BanState, FollowState, UserRef } from '../state/wireTypes.js';
import type { World } from '../state/world.js';
import { channelEvent } from './channelEvent.js';

/** A viewer follows: newest first, as Helix lists followers. Publishes `channel.follow` v2. */
export function follow(world: World, broadcasterId: string, userId: string, origin: ChangeOrigin): boolean {
  const key = `followers:${broadcasterId}`;
  const list = world.truth<FollowState[]>(key);
  if (list.some((f) => f.user_id === userId)) return false;
  const followedAt = world.now();
  world.commit(key, [{ ...world.ref(userId), followed_at: followedAt }, ...list], origin, [
    {
      type: 'channel.follow',
      version: '2',
      condition: { broadcaster_user_id: broadcasterId, moderator_user_id: broadcasterId },
      event: { ...world.userFields(userId), ...world.broadcasterFields(broadcasterId), followed_at: followedAt },
    },
  ]);
  return true;
}

/** A viewer unfollows: Twitch sends no event for it. */
export function unfollow(world: World, broadcasterId: string, userId: string, origin: ChangeOrigin): boolean {
  const key = `followers:${broadcasterId}`;
  const list = world.truth<FollowState[]>(key);
  if (!list.some((f) => f.user_id === userId)) return false;
  world.commit(
    key,
    list.filter((f) => f.user_id !== userId),
    origin,
  );
  return true;
}

type RoleKind = 'moderators' | 'vips';
const roleEvent: Record<RoleKind, string> = { moderators: 'channel.moderator', vips: 'channel.vip' };

/** Adds a moderator or VIP; publishes `channel.moderator.add` / `channel.vip.add`. False when already one. */
export function addRole(world: World, kind: RoleKind, b: string, u: string, origin: ChangeOrigin): boolean {
  const key = `${kind}:${b}`;
  const list = world.truth<UserRef[]>(key);
  if (list.some((r) => r.user_id === u)) return false;
  world.commit(key, [...list, world.ref(u)], origin, [
    channelEvent(`${roleEvent[kind]}.add`, b, { ...world.userFields(u), ...world.broadcasterFields(b) }),
  ]);
  return true;
}

/** Removes a moderator or VIP; publishes the `.remove` event. False when not one. */
export function removeRole(world: World, kind: RoleKind, b: string, u: string, origin: ChangeOrigin): boolean {
  const key = `${kind}:${b}`;
  const list = world.truth<UserRef[]>(key);
  if (!list.some((r) => r.user_id === u)) return false;
  world.commit(
    key,
    list.filter((r) => r.user_id !== u),
    origin,
    [channelEvent(`${roleEvent[kind]}.remove`, b, { ...world.userFields(u), ...world.broadcasterFields(b) })],
  );
  return true;
}

export function hasRole(world: World, kind: RoleKind, b: string, u: string): boolean {
  return world.truth<UserRef[]>(`${kind}:${b}`).some((r) => r.user_id === u);
}

/** Bans (or times out, with `expiresAt`) a user; publishes `channel.ban`. Banning removes mod and VIP roles. */
export function ban(
  world: World,
  b: string,
  u: string,
  opts: { expiresAt?: string; reason?: string; moderatorId?: string },
  origin: ChangeOrigin,
): BanState {
  settleTimeouts(world, b);
  const key = `bans:${b}`;
  const moderatorId = opts.moderatorId ?? b;
  const mod = world.ref(moderatorId);
  const createdAt = world.now();
  const entry: BanState = {
    ...world.ref(u),
    expires_at: opts.expiresAt ?? '',
    created_at: createdAt,
    reason: opts.reason ?? '',
    moderator_id: mod.user_id,
    moderator_login: mod.user_login,
    moderator_name: mod.user_name,
  };
  const list = world.truth<BanState[]>(key).filter((x) => x.user_id !== u);
  world.commit(key, [entry, ...list], origin, [
    channelEvent('channel.ban', b, {
      ...world.userFields(u),
      ...world.broadcasterFields(b),
      ...world.userFields(moderatorId, 'moderator'),
      reason: entry.reason,
      banned_at: createdAt,
      ends_at: opts.expiresAt ?? null,
      is_permanent: !opts.expiresAt,
    }),
  ]);
  if (hasRole(world, 'moderators', b, u)) removeRole(world, 'moderators', b, u, origin);
  if (hasRole(world, 'vips', b, u)) removeRole(world, 'vips', b, u, origin);
  return entry;
}

/**
 * Commits the end of every timeout that has run out, one version per expiry, dated when it expired: the ban list
 * changed by itself (Twitch sends no `channel.unban` for it), and the history must say when.
 */
export function settleTimeouts(world: World, b: string): void {
  const key = `bans:${b}`;
  if (!world.store.has(key)) return;
  const now = world.clock.now();
  for (;;) {
    const list = world.truth<BanState[]>(key);
    const expiries = list
      .filter((x) => x.expires_at && Date.parse(x.expires_at) <= now)
      .map((x) => Date.parse(x.expires_at));
    if (expiries.length === 0) return;
    const first = Math.min(...expiries);
    const remaining = list.filter((x) => !x.expires_at || Date.parse(x.expires_at) > first);
    world.commit(key, remaining, 'external', [], { at: first });
  }
}

/** Whether a user is banned now (an expired timeout is not a ban). */
export function isBanned(world: World, b: string, u: string): boolean {
  settleTimeouts(world, b);
  return world.truth<BanState[]>(`bans:${b}`).some((x) => x.user_id === u);
}

/** Lifts a ban; publishes `channel.unban`. False when not banned. */
export function unban(world: World, b: string, u: string, moderatorId: string, origin: ChangeOrigin): boolean {
  settleTimeouts(world, b);
  const key = `bans:${b}`;
  const list = world.truth<BanState[]>(key);
  if (!list.some((x) => x.user_id === u)) return false;
  world.commit(
    key,
    list.filter((x) => x.user_id !== u),
    origin,
    [
      channelEvent('channel.unban', b, {
        ...world.userFields(u),
        ...world.broadcasterFields(b),
        ...world.userFields(moderatorId, 'moderator'),
      }),
    ],
  );
  return true;
}
