import type {
  ChannelInformation,
  Game,
  GetChannelInformationParams,
  GetGamesParams,
  GetStreamsParams,
  GetUsersParams,
  Stream,
  User,
} from '../generated/helix-types.js';
import { Batcher } from './batcher.js';
import type { CallOptions } from './operation.js';

/** The single-page reads that lookups are batched into; implemented by the generated groups. */
export interface LookupSource {
  getUsers(params: GetUsersParams, options?: CallOptions): Promise<{ data: User[] }>;
  getChannelInformation(
    params: GetChannelInformationParams,
    options?: CallOptions,
  ): Promise<{ data: ChannelInformation[] }>;
  getStreams(params: GetStreamsParams, options?: CallOptions): Promise<{ data: Stream[] }>;
  getGames(params: GetGamesParams, options?: CallOptions): Promise<{ data: Game[] }>;
}

type Lookup<V> = Batcher<string, V>;

/** The group of a batched call: the user whose token serves it (`''` for the provider's default). */
const groupOf = (options?: CallOptions) => options?.asUser ?? '';
const asUserOf = (group: string) => (group === '' ? undefined : group);

/**
 * Lookups by id or login that concurrent callers share: every key asked for in the same tick (per user token)
 * goes out in calls of up to 100. Each resolves with the item, or `undefined` when Twitch does not know it.
 */
export class BatchLookups {
  readonly #userById: Lookup<User>;
  readonly #userByLogin: Lookup<User>;
  readonly #channelById: Lookup<ChannelInformation>;
  readonly #streamByUserId: Lookup<Stream>;
  readonly #streamByUserLogin: Lookup<Stream>;
  readonly #gameById: Lookup<Game>;

  constructor(source: {
    users: Pick<LookupSource, 'getUsers'>;
    channels: Pick<LookupSource, 'getChannelInformation'>;
    streams: Pick<LookupSource, 'getStreams'>;
    games: Pick<LookupSource, 'getGames'>;
  }) {
    const by = <V>(fetch: (keys: string[], asUser: string | undefined) => Promise<V[]>, keyOf: (v: V) => string) =>
      new Batcher<string, V>({
        fetch: async (keys, group) => new Map((await fetch(keys, asUserOf(group))).map((v) => [keyOf(v), v])),
      });
    this.#userById = by(
      async (id, asUser) => (await source.users.getUsers({ id }, { asUser })).data,
      (u) => u.id,
    );
    this.#userByLogin = by(
      async (login, asUser) => (await source.users.getUsers({ login }, { asUser })).data,
      (u) => u.login.toLowerCase(),
    );
    this.#channelById = by(
      async (broadcasterId, asUser) =>
        (await source.channels.getChannelInformation({ broadcasterId }, { asUser })).data,
      (c) => c.broadcasterId,
    );
    this.#streamByUserId = by(
      async (userId, asUser) => (await source.streams.getStreams({ userId, first: 100 }, { asUser })).data,
      (s) => s.userId,
    );
    this.#streamByUserLogin = by(
      async (userLogin, asUser) => (await source.streams.getStreams({ userLogin, first: 100 }, { asUser })).data,
      (s) => s.userLogin.toLowerCase(),
    );
    this.#gameById = by(
      async (id, asUser) => (await source.games.getGames({ id }, { asUser })).data,
      (g) => g.id,
    );
  }

  /** A user by id. */
  getUserById(id: string, options?: CallOptions): Promise<User | undefined> {
    return this.#userById.load(id, groupOf(options), options?.signal);
  }
  /** A user by login (case-insensitive). */
  getUserByLogin(login: string, options?: CallOptions): Promise<User | undefined> {
    return this.#userByLogin.load(login.toLowerCase(), groupOf(options), options?.signal);
  }
  /** A channel's information by broadcaster id. */
  getChannelInformation(broadcasterId: string, options?: CallOptions): Promise<ChannelInformation | undefined> {
    return this.#channelById.load(broadcasterId, groupOf(options), options?.signal);
  }
  /** A user's live stream, or `undefined` when offline. */
  getStreamByUserId(userId: string, options?: CallOptions): Promise<Stream | undefined> {
    return this.#streamByUserId.load(userId, groupOf(options), options?.signal);
  }
  /** A user's live stream by login, or `undefined` when offline. */
  getStreamByUserLogin(login: string, options?: CallOptions): Promise<Stream | undefined> {
    return this.#streamByUserLogin.load(login.toLowerCase(), groupOf(options), options?.signal);
  }
  /** A game (category) by id. */
  getGameById(id: string, options?: CallOptions): Promise<Game | undefined> {
    return this.#gameById.load(id, groupOf(options), options?.signal);
  }
}
