import type { Clock } from '../clock.js';
import { MockStateError } from '../errors.js';
import type { Random } from '../random.js';
import { type MockUser, seedUsers } from './seedUsers.js';
import type { ChangeOrigin, HistoryEntry, ServedVersion, VersionedStore } from './versionedStore.js';
import type { ChannelState, ChatSettingsState, ScheduleState, UserRef, UserState } from './wireTypes.js';

/** An EventSub notification built from a committed change, for the hub to deliver. */
export interface WorldEvent {
  type: string;
  version: string;
  condition: Record<string, string>;
  event: Record<string, unknown>;
}

/** The list-valued kinds whose state is an array per broadcaster. */
export type ListKind =
  | 'followers'
  | 'moderators'
  | 'vips'
  | 'bans'
  | 'rewards'
  | 'polls'
  | 'predictions'
  | 'goals'
  | 'subscriptions'
  | 'emotes';

const listKinds: readonly ListKind[] = [
  'followers',
  'moderators',
  'vips',
  'bans',
  'rewards',
  'polls',
  'predictions',
  'goals',
  'subscriptions',
  'emotes',
];

/**
 * The emulator's Twitch: users and per-broadcaster resources stored as versioned states. Every change goes through
 * `commit`, which records the version and hands the matching EventSub notification to the listeners.
 */
export class World {
  readonly store: VersionedStore;
  readonly clock: Clock;
  readonly random: Random;
  readonly users: MockUser[];
  readonly #eventListeners = new Set<(event: WorldEvent) => void>();
  /** Collects the versions served while one request is handled (handlers are synchronous). */
  served: Array<{ key: string; version: number }> | undefined;

  /** login -> user id, from the committed truth (a rename on twitch.tv moves it). */
  readonly #logins = new Map<string, string>();
  readonly #loginOf = new Map<string, string>();

  constructor(store: VersionedStore, clock: Clock, random: Random, userCount: number) {
    this.store = store;
    this.clock = clock;
    this.random = random;
    store.onCommit((entry) => {
      if (!entry.key.startsWith('user:')) return;
      const user = entry.state as UserState;
      const previous = this.#loginOf.get(user.id);
      if (previous !== undefined && previous !== user.login) this.#logins.delete(previous);
      this.#logins.set(user.login, user.id);
      this.#loginOf.set(user.id, user.login);
    });
    const createdAt = new Date(clock.now() - 86_400_000 * 365).toISOString();
    const users = seedUsers(random, userCount, createdAt);
    this.users = users.map((u) => ({ id: u.id, login: u.login, displayName: u.display_name }));
    for (const user of users) this.#seedUser(user);
  }

  #seedUser(user: UserState): void {
    const id = user.id;
    this.store.commit(`user:${id}`, user, 'seed');
    const channel: ChannelState = {
      broadcaster_id: id,
      broadcaster_login: user.login,
      broadcaster_name: user.display_name,
      broadcaster_language: 'en',
      game_id: '509670',
      game_name: 'Science & Technology',
      title: `${user.display_name}'s stream`,
      delay: 0,
      tags: [],
      content_classification_labels: [],
      is_branded_content: false,
    };
    this.store.commit(`channel:${id}`, channel, 'seed');
    this.store.commit(`stream:${id}`, null, 'seed');
    for (const kind of listKinds) this.store.commit(`${kind}:${id}`, [], 'seed');
    const chat: ChatSettingsState = {
      broadcaster_id: id,
      slow_mode: false,
      slow_mode_wait_time: null,
      follower_mode: false,
      follower_mode_duration: null,
      subscriber_mode: false,
      emote_mode: false,
      unique_chat_mode: false,
      non_moderator_chat_delay: false,
      non_moderator_chat_delay_duration: null,
    };
    this.store.commit(`chat_settings:${id}`, chat, 'seed');
    this.store.commit(`hype_train:${id}`, null, 'seed');
    const schedule: ScheduleState = {
      segments: [],
      broadcaster_id: id,
      broadcaster_name: user.display_name,
      broadcaster_login: user.login,
      vacation: null,
    };
    this.store.commit(`schedule:${id}`, schedule, 'seed');
  }

  /** Adds a user (and their channel) at runtime. */
  addUser(login: string, displayName = login): MockUser {
    if (!/^[a-z0-9_]{1,25}$/.test(login)) throw new MockStateError(`invalid login ${JSON.stringify(login)}`);
    if (this.userIdByLogin(login)) throw new MockStateError(`login ${login} is taken`);
    const id = String(90_000_000 + this.users.length * 7919 + this.random.int(0, 999));
    const user: UserState = {
      id,
      login,
      display_name: displayName,
      type: '',
      broadcaster_type: '',
      description: '',
      profile_image_url: '',
      offline_image_url: '',
      view_count: 0,
      email: `${login}@example.invalid`,
      created_at: new Date(this.clock.now()).toISOString(),
    };
    this.#seedUser(user);
    const mock = { id, login, displayName };
    this.users.push(mock);
    return mock;
  }

  /** Listens to the notifications that commits produce. */
  onEvent(listener: (event: WorldEvent) => void): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  /** Commits a new state and publishes the events that go with it. */
  commit<T>(
    key: string,
    state: T,
    origin: ChangeOrigin,
    events: WorldEvent[] = [],
    options: { flaps?: boolean; at?: number } = {},
  ): HistoryEntry<T> {
    const entry = this.store.commit(key, state, origin, options);
    for (const event of events) for (const listener of this.#eventListeners) listener(event);
    return entry;
  }

  /** Publishes an event without a state change (a chat message, a redemption). */
  publish(event: WorldEvent): void {
    for (const listener of this.#eventListeners) listener(event);
  }

  /** The committed truth of a key (what writes act on). */
  truth<T>(key: string): T {
    const entry = this.store.truth<T>(key);
    if (!entry) throw new MockStateError(`no resource ${key}`);
    return entry.state;
  }

  /** What a Helix read serves now (lagged), recorded for the request log. */
  read<T>(key: string): ServedVersion<T> | undefined {
    const served = this.store.read<T>(key);
    if (served && this.served) this.served.push({ key, version: served.version });
    return served;
  }

  userExists(id: string): boolean {
    return this.store.has(`user:${id}`);
  }

  /** The current user (truth), or throws for an unknown id. */
  user(id: string): UserState {
    if (!this.userExists(id)) throw new MockStateError(`unknown user ${id}`);
    return this.truth<UserState>(`user:${id}`);
  }

  ref(id: string): UserRef {
    const u = this.user(id);
    return { user_id: u.id, user_login: u.login, user_name: u.display_name };
  }

  /** `broadcaster_user_*` fields of an event. */
  broadcasterFields(id: string): Record<string, string> {
    const u = this.user(id);
    return { broadcaster_user_id: u.id, broadcaster_user_login: u.login, broadcaster_user_name: u.display_name };
  }

  /** `<prefix>_user_*` fields of an event (prefix '' gives `user_*`). */
  userFields(id: string, prefix = ''): Record<string, string> {
    const u = this.user(id);
    const p = prefix ? `${prefix}_` : '';
    return { [`${p}user_id`]: u.id, [`${p}user_login`]: u.login, [`${p}user_name`]: u.display_name };
  }

  userIdByLogin(login: string): string | undefined {
    return this.#logins.get(login.toLowerCase());
  }

  now(): string {
    return new Date(this.clock.now()).toISOString();
  }

  /** A Twitch-like opaque id (UUID-shaped), drawn from the seed. */
  newId(): string {
    const h = this.random.string(32, '0123456789abcdef');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
  }
}
