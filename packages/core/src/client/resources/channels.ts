/** `client.channels`: channel information, followers and VIPs, cached per the catalog. */
import type { Op } from '@twitchify/cache';
import { fieldsSet, memberAdded, memberRemoved } from '../../catalog/ops.js';
import type {
  ChannelInformation,
  GetChannelFollowersResponse,
  ModifyChannelInformationBody,
  UserVip,
} from '../../generated/helix-types.js';
import { collect } from '../helix-apis.js';
import type { CachedReadOptions } from '../resource-cache.js';
import { checkId, first, type ResourceContext } from './context.js';
import { userRef } from './user-refs.js';

/**
 * What a write of channel information says changed, from the request (Twitch answers 204). Content classification
 * labels are given as changes (enable this one, disable that one), which no field value states: they are left to
 * `channel.update`, which carries the whole set.
 */
export function channelBodyOps(body: ModifyChannelInformationBody): Op[] {
  const set = fieldsSet({
    title: body.title,
    broadcasterLanguage: body.broadcasterLanguage,
    delay: body.delay,
    tags: body.tags === undefined ? undefined : [...body.tags],
    isBrandedContent: body.isBrandedContent,
    gameId: body.gameId,
  });
  return set.op === 'set' && Object.keys(set.fields).length > 0 ? [set] : [];
}

/** Cached reads and write-through writes of channels. */
export class ChannelsResource {
  readonly #c: ResourceContext;

  constructor(context: ResourceContext) {
    this.#c = context;
  }

  /** Channel information of a broadcaster, or null when there is no such channel. Cached; kept fresh by channel.update. */
  async get(broadcasterId: string, options?: CachedReadOptions): Promise<ChannelInformation | null> {
    const id = checkId('broadcasterId', broadcasterId);
    return this.#c.rc.read(
      'channel',
      id,
      undefined,
      async (signal) => first(await this.#c.helix.channels.getChannelInformation({ broadcasterId: id }, { signal })),
      options,
    );
  }

  /**
   * Changes channel information. Once it resolves, every read (in this process at once, in others sharing Redis
   * within the bus delay, or at once with `strict`) returns the written state, even while Helix still serves the old.
   */
  async update(
    broadcasterId: string,
    body: ModifyChannelInformationBody,
    options?: { asUser?: string },
  ): Promise<void> {
    const id = checkId('broadcasterId', broadcasterId);
    await this.#c.rc.written(
      'channel',
      id,
      () =>
        this.#c.helix.channels.modifyChannelInformation({ broadcasterId: id }, body, { asUser: options?.asUser ?? id }),
      channelBodyOps(body),
    );
  }

  /**
   * Follower count (and the first page of followers when the reader may see them). User-scoped; TTL-bounded,
   * since Twitch sends no unfollow event.
   */
  async getFollowers(broadcasterId: string, options?: CachedReadOptions): Promise<GetChannelFollowersResponse> {
    const id = checkId('broadcasterId', broadcasterId);
    const reader = options?.asUser ?? this.#c.userId();
    return this.#c.rc.read(
      'followers',
      id,
      reader,
      (signal) => this.#c.helix.channels.getChannelFollowers({ broadcasterId: id }, { signal, asUser: reader }),
      options,
    );
  }

  /** The broadcaster's VIPs. User-scoped; kept fresh by channel.vip.add/remove. */
  async getVips(broadcasterId: string, options?: CachedReadOptions): Promise<readonly UserVip[]> {
    const id = checkId('broadcasterId', broadcasterId);
    const reader = options?.asUser ?? this.#c.userId();
    return this.#c.rc.read(
      'vips',
      id,
      reader,
      (signal) => collect(this.#c.helix.moderation.getVipsPaginated({ broadcasterId: id }, { signal, asUser: reader })),
      options,
    );
  }

  /** Adds a VIP and writes the new list through. */
  async addVip(broadcasterId: string, userId: string, options?: { asUser?: string }): Promise<void> {
    const b = checkId('broadcasterId', broadcasterId);
    const u = checkId('userId', userId);
    const asUser = options?.asUser ?? b;
    const ref = await userRef(this.#c, u);
    await this.#c.rc.written(
      'vips',
      b,
      () => this.#c.helix.moderation.addChannelVip({ broadcasterId: b, userId: u }, { asUser }),
      [memberAdded('userId', ref)],
    );
  }

  /** Removes a VIP and writes the new list through. */
  async removeVip(broadcasterId: string, userId: string, options?: { asUser?: string }): Promise<void> {
    const b = checkId('broadcasterId', broadcasterId);
    const u = checkId('userId', userId);
    const asUser = options?.asUser ?? b;
    await this.#c.rc.written(
      'vips',
      b,
      () => this.#c.helix.moderation.removeChannelVip({ broadcasterId: b, userId: u }, { asUser }),
      [memberRemoved('userId', u)],
    );
  }
}
