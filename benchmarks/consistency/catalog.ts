/**
 * The catalog the workload covers, and how each resource's states, acknowledged writes and received events are named
 * by *signatures* that the checker resolves to versions of the emulator's history.
 *
 * - `channel` (title), `user` (description), `stream` (live with its id, or offline), `chat_settings` (the follower
 *   mode duration) are read for many broadcasters (shared keys);
 * - `vips`, `moderators`, `bans` (lists changed one member at a time, see lists.ts) and `rewards` (the custom rewards'
 *   titles) are read by each process for its own broadcaster only (their reads need the broadcaster's token).
 *
 * Every state the workload writes is unique (a counter in a title, a description, a follower mode duration, a reward
 * title; lists as a sliding window), so a signature names one version. The states that do repeat (a stream offline,
 * the seeded chat settings, a ban list after a timeout ran out) are resolved by time: to the newest version with
 * that state committed before the read ended (or the witness happened), which never makes a read look staler than
 * it provably was.
 */
import { listReadSig, memberChangeSig } from './lists.js';

/** Every resource of the workload, in the order of their key indices. */
export const RESOURCES = [
  'channel',
  'user',
  'stream',
  'chat_settings',
  'vips',
  'moderators',
  'bans',
  'rewards',
] as const;
export type Resource = (typeof RESOURCES)[number];

/** Lists held to their members (see docs/consistency.md, "Lists are held to their members"). */
export type ListResource = 'vips' | 'moderators' | 'bans';
export const LIST_RESOURCES: ReadonlySet<string> = new Set<ListResource>(['vips', 'moderators', 'bans']);
export const isList = (r: string): r is ListResource => LIST_RESOURCES.has(r);

/** Read for many broadcasters: channels for every key, the others for the first {@link KeySpace} `few`. */
const SHARED: ReadonlySet<Resource> = new Set<Resource>(['channel', 'user', 'stream', 'chat_settings']);
export const isShared = (r: Resource): boolean => SHARED.has(r);

/** Resources no event reports a change of, for some of their changes (reported next to the table). */
export const TTL_BOUNDED_NOTES: Partial<Record<Resource, string>> = {
  bans: 'a timeout that runs out sends no event (Twitchify filters by expires_at on read)',
  stream: 'stream.online carries no stream: it invalidates, and the refetch may flap for up to a minute',
  rewards: 'reward events patch one reward each (like list members), but rewards are checked as whole-list versions',
};

/**
 * Chat settings the workload writes: slow mode stays on. With slow mode off, `channel.chat_settings.update` carries
 * `slow_mode_wait_time_seconds: null` (Twitch's reference), which the SDK's event schema (a number) refuses: every
 * such event is dropped as malformed (reported), so the workload keeps slow mode on and measures the cache instead.
 */
export const CHAT_SLOW_MODE = { slowMode: true, slowModeWaitTime: 30 } as const;

/** Parses `--resources`: `all` or a comma list of {@link RESOURCES}; channel is always in. */
export function parseResources(text: string): Resource[] {
  if (text === 'all') return [...RESOURCES];
  const wanted = new Set(text.split(',').map((s) => s.trim()));
  for (const w of wanted) {
    if (!(RESOURCES as readonly string[]).includes(w)) throw new Error(`unknown resource ${JSON.stringify(w)}`);
  }
  wanted.add('channel');
  return RESOURCES.filter((r) => wanted.has(r));
}

/**
 * The history keys of a row: resource key (`stream:42`) ↔ key index. Shared resources come first, one key per
 * broadcaster read (all `broadcasters` for channels, the first `few` for the others); then, per owner (the
 * broadcaster a process acts as), one key per own resource.
 */
export class KeySpace {
  readonly keys: string[] = [];
  readonly resources: readonly Resource[];
  readonly #index = new Map<string, number>();
  readonly #shared = new Map<Resource, number[]>();

  constructor(broadcasters: readonly string[], owners: readonly string[], resources: readonly Resource[], few = 10) {
    this.resources = resources;
    for (const r of resources) {
      if (!isShared(r)) continue;
      const ids = r === 'channel' ? broadcasters : broadcasters.slice(0, Math.min(few, broadcasters.length));
      this.#shared.set(
        r,
        ids.map((id) => this.#add(`${r}:${id}`)),
      );
    }
    // processes may share one broadcaster (the shared row): its keys are one each
    for (const owner of new Set(owners)) for (const r of resources) if (!isShared(r)) this.#add(`${r}:${owner}`);
  }

  #add(key: string): number {
    const i = this.keys.length;
    this.keys.push(key);
    this.#index.set(key, i);
    return i;
  }

  /** The key index of `resource:id`, if the row checks it. */
  indexOf(resource: string, id: string): number | undefined {
    return this.#index.get(`${resource}:${id}`);
  }

  /** The key indices of a shared resource, in broadcaster order (empty for an own one). */
  shared(resource: Resource): readonly number[] {
    return this.#shared.get(resource) ?? [];
  }

  /** The resource and id of a key index. */
  at(i: number): { resource: Resource; id: string } {
    const key = this.keys[i]!;
    const colon = key.indexOf(':');
    return { resource: key.slice(0, colon) as Resource, id: key.slice(colon + 1) };
  }

  /** resource key → key index, for the request tap. */
  get index(): ReadonlyMap<string, number> {
    return this.#index;
  }
}

// Signatures of what a system answered (one function per resource, used by every system alike).

export const streamSig = (stream: { id: string } | null | undefined): string => (stream ? `live:${stream.id}` : 'off');
export const chatSig = (followerModeDuration: number | null | undefined): string => `F${followerModeDuration ?? '-'}`;
export const rewardsSig = (titles: readonly string[]): string => `R:${[...titles].sort().join('\u0001')}`;
export const rewardChangeSig = (title: string): string => `+${title}`;
/** A list's member ids as a read saw them (lists.ts). */
export const membersSig = listReadSig;

/**
 * The signatures that name a committed version of a non-list resource, from the emulator's state (wire shapes) and
 * the state before it: the state a read returns, and for rewards also each reward title it introduced (an event
 * carries one reward).
 */
export function stateSigs(resource: Resource, state: unknown, prev: unknown): string[] {
  switch (resource) {
    case 'channel':
      return [(state as { title: string }).title];
    case 'user':
      return [(state as { description: string }).description];
    case 'stream':
      return [streamSig(state as { id: string } | null)];
    case 'chat_settings':
      return [chatSig((state as { follower_mode_duration: number | null }).follower_mode_duration)];
    case 'rewards': {
      const titles = (state as { title: string }[]).map((x) => x.title);
      const before = new Set(((prev ?? []) as { title: string }[]).map((x) => x.title));
      return [rewardsSig(titles), ...titles.filter((t) => !before.has(t)).map(rewardChangeSig)];
    }
    default:
      return [];
  }
}

/** The member ids of a list state of the emulator (wire shapes: every list entry has `user_id`). */
export const membersOf = (state: unknown): string[] => ((state ?? []) as { user_id: string }[]).map((u) => u.user_id);

/** An event as the Client (or an EventSub listener) hands it, camelCase. */
type Ev = Record<string, unknown>;

/**
 * What an event tells of the workload's keys: the resource, the id its key names, and the signature of the version
 * it carries; undefined for an event of no key. `type` is `type@version`.
 */
export function eventSig(type: string, e: Ev): { resource: Resource; id: string; sig: string } | undefined {
  const b = String(e.broadcasterUserId ?? '');
  switch (type) {
    case 'channel.update@2':
      return { resource: 'channel', id: b, sig: String(e.title) };
    case 'user.update@1':
      return { resource: 'user', id: String(e.userId), sig: String(e.description) };
    case 'stream.online@1':
      return { resource: 'stream', id: b, sig: streamSig({ id: String(e.id) }) };
    case 'stream.offline@1':
      return { resource: 'stream', id: b, sig: streamSig(null) };
    case 'channel.chat_settings.update@1':
      return {
        resource: 'chat_settings',
        id: b,
        sig: chatSig((e.followerModeDurationMinutes as number | null | undefined) ?? null),
      };
    case 'channel.vip.add@1':
    case 'channel.moderator.add@1':
    case 'channel.ban@1':
      return { resource: LIST_OF[type]!, id: b, sig: memberChangeSig('add', String(e.userId)) };
    case 'channel.vip.remove@1':
    case 'channel.moderator.remove@1':
    case 'channel.unban@1':
      return { resource: LIST_OF[type]!, id: b, sig: memberChangeSig('remove', String(e.userId)) };
    case 'channel.channel_points_custom_reward.add@1':
    case 'channel.channel_points_custom_reward.update@1':
      return { resource: 'rewards', id: b, sig: rewardChangeSig(String(e.title)) };
    default:
      return undefined;
  }
}

const LIST_OF: Record<string, ListResource> = {
  'channel.vip.add@1': 'vips',
  'channel.vip.remove@1': 'vips',
  'channel.moderator.add@1': 'moderators',
  'channel.moderator.remove@1': 'moderators',
  'channel.ban@1': 'bans',
  'channel.unban@1': 'bans',
};

/**
 * The resources whose reads depend on a feed (EventSub type), as the Client's catalog lists them
 * (packages/core/src/catalog/entries.ts): a gap of the feed is a gap of those keys.
 */
export const FEED_RESOURCES: Readonly<Record<string, readonly Resource[]>> = {
  'channel.update': ['channel', 'stream'],
  'user.update': ['user'],
  'stream.online': ['stream'],
  'stream.offline': ['stream'],
  'channel.chat_settings.update': ['chat_settings'],
  'channel.vip.add': ['vips'],
  'channel.vip.remove': ['vips'],
  'channel.moderator.add': ['moderators'],
  'channel.moderator.remove': ['moderators'],
  'channel.ban': ['bans'],
  'channel.unban': ['bans'],
  'channel.channel_points_custom_reward.add': ['rewards'],
  'channel.channel_points_custom_reward.update': ['rewards'],
  'channel.channel_points_custom_reward.remove': ['rewards'],
};

/** The id a feed's condition names (`user.update` is by `user_id`, the others by broadcaster). */
export const feedId = (type: string, condition: Record<string, unknown>): string =>
  String(type === 'user.update' ? condition.user_id : condition.broadcaster_user_id);

/** An EventSub subscription. */
export interface FeedSpec {
  type: string;
  version: string;
  condition: Record<string, string>;
}

/**
 * The EventSub subscriptions that report the changes of `keys` (resource keys) read by `reader`, once each: what the
 * BentoCache row subscribes to, and what a warm Twitchify has enabled.
 */
export function feedsOf(keys: readonly string[], reader: string): FeedSpec[] {
  const out = new Map<string, FeedSpec>();
  const add = (type: string, version: string, condition: Record<string, string>) =>
    out.set(`${type}@${version}:${JSON.stringify(condition)}`, { type, version, condition });
  for (const key of keys) {
    const colon = key.indexOf(':');
    const r = key.slice(0, colon) as Resource;
    const b = key.slice(colon + 1);
    const by = { broadcaster_user_id: b };
    if (r === 'channel') add('channel.update', '2', by);
    else if (r === 'user') add('user.update', '1', { user_id: b });
    else if (r === 'stream') {
      add('stream.online', '1', by);
      add('stream.offline', '1', by);
    } else if (r === 'chat_settings') add('channel.chat_settings.update', '1', { ...by, user_id: reader });
    else if (r === 'vips') for (const a of ['add', 'remove']) add(`channel.vip.${a}`, '1', by);
    else if (r === 'moderators') for (const a of ['add', 'remove']) add(`channel.moderator.${a}`, '1', by);
    else if (r === 'bans') for (const t of ['channel.ban', 'channel.unban']) add(t, '1', by);
    else if (r === 'rewards')
      for (const a of ['add', 'update', 'remove']) add(`channel.channel_points_custom_reward.${a}`, '1', by);
    if (r === 'stream') add('channel.update', '2', by);
  }
  return [...out.values()];
}
