import { memberAdded, memberRemoved } from '../../catalog/ops.js';
import type { BannedUser, BanUserBody, BanUserResponse, UserModerator } from '../../generated/helix-types.js';
import { collect } from '../helix-apis.js';
import type { CachedReadOptions } from '../resource-cache.js';
import { checkId, type ResourceContext } from './context.js';
import { userRef } from './user-refs.js';

/** Drops bans whose timeout has run out: Twitch sends no event when a timeout expires. */
export function activeBans(list: readonly BannedUser[], now: number): readonly BannedUser[] {
  const active = list.filter((b) => !b.expiresAt || Date.parse(b.expiresAt) > now);
  return active.length === list.length ? list : active;
}

/** `client.moderation`: moderators and banned users, cached per reading user, with write-through. */
export class ModerationResource {
  readonly #c: ResourceContext;

  constructor(context: ResourceContext) {
    this.#c = context;
  }

  /** The broadcaster's moderators, as the reading user sees them. */
  async getModerators(broadcasterId: string, options?: CachedReadOptions): Promise<readonly UserModerator[]> {
    const b = checkId('broadcasterId', broadcasterId);
    const reader = options?.asUser ?? this.#c.userId();
    return this.#c.rc.read(
      'moderators',
      b,
      reader,
      (signal) =>
        collect(this.#c.helix.moderation.getModeratorsPaginated({ broadcasterId: b }, { signal, asUser: reader })),
      options,
    );
  }

  /** Adds a moderator; the new list is written through (Twitch answers 204). */
  async addModerator(broadcasterId: string, userId: string, options?: { asUser?: string }): Promise<void> {
    const b = checkId('broadcasterId', broadcasterId);
    const u = checkId('userId', userId);
    const asUser = options?.asUser ?? b;
    const ref = await userRef(this.#c, u);
    await this.#c.rc.written(
      'moderators',
      b,
      () => this.#c.helix.moderation.addChannelModerator({ broadcasterId: b, userId: u }, { asUser }),
      [memberAdded('userId', ref)],
    );
  }

  /** Removes a moderator; the new list is written through (Twitch answers 204). */
  async removeModerator(broadcasterId: string, userId: string, options?: { asUser?: string }): Promise<void> {
    const b = checkId('broadcasterId', broadcasterId);
    const u = checkId('userId', userId);
    const asUser = options?.asUser ?? b;
    await this.#c.rc.written(
      'moderators',
      b,
      () => this.#c.helix.moderation.removeChannelModerator({ broadcasterId: b, userId: u }, { asUser }),
      [memberRemoved('userId', u)],
    );
  }

  /** Users banned or timed out in the channel; timeouts that have run out are dropped on read. */
  async getBannedUsers(broadcasterId: string, options?: CachedReadOptions): Promise<readonly BannedUser[]> {
    const b = checkId('broadcasterId', broadcasterId);
    const reader = options?.asUser ?? this.#c.userId();
    const list = await this.#c.rc.read(
      'bans',
      b,
      reader,
      (signal) =>
        collect(this.#c.helix.moderation.getBannedUsersPaginated({ broadcasterId: b }, { signal, asUser: reader })),
      options,
    );
    return activeBans(list, this.#c.clock.now());
  }

  /** Bans (or times out, with `duration`) a user; the new list is written through from Twitch's answer. */
  async banUser(broadcasterId: string, data: BanUserBody['data'], options?: { asUser?: string }): Promise<void> {
    const b = checkId('broadcasterId', broadcasterId);
    const moderatorId = options?.asUser ?? this.#c.userId() ?? b;
    // The user entries are looked up before the ban is sent: the write's window of uncertain order stays short.
    const [ref, mod] = await Promise.all([userRef(this.#c, data.userId), userRef(this.#c, moderatorId)]);
    const requested: BannedUser = {
      ...ref,
      userId: data.userId,
      expiresAt: '',
      createdAt: '',
      reason: data.reason ?? '',
      moderatorId,
      moderatorLogin: mod.userLogin,
      moderatorName: mod.userName,
    };
    await this.#c.rc.written(
      'bans',
      b,
      () => this.#c.helix.moderation.banUser({ broadcasterId: b, moderatorId }, { data }, { asUser: moderatorId }),
      [memberAdded('userId', requested)],
      (answer: BanUserResponse) => {
        const ban = answer.data[0];
        if (!ban) return undefined;
        const entry: BannedUser = {
          ...requested,
          userId: ban.userId,
          expiresAt: ban.endTime ?? '',
          createdAt: ban.createdAt,
        };
        return [memberAdded('userId', entry)];
      },
    );
  }

  /** Unbans a user; the new list is written through (Twitch answers 204). */
  async unbanUser(broadcasterId: string, userId: string, options?: { asUser?: string }): Promise<void> {
    const b = checkId('broadcasterId', broadcasterId);
    const u = checkId('userId', userId);
    const moderatorId = options?.asUser ?? this.#c.userId() ?? b;
    await this.#c.rc.written(
      'bans',
      b,
      () => this.#c.helix.moderation.unbanUser({ broadcasterId: b, moderatorId, userId: u }, { asUser: moderatorId }),
      [memberRemoved('userId', u)],
    );
  }
}
