/**
 * The systems a row measures, behind one interface: read a resource (answered as its signature, catalog.ts), write
 * one, close. Each is what a user would run instead of Twitchify (raw Helix, a TTL cache in front of it, Twurple,
 * BentoCache invalidated by EventSub), or Twitchify itself.
 */
import { Client, type ClientInstrument, HelixClient, type LoggerLike, StaticAuthProvider } from '@twitchify/core';
import { LRUCache } from 'lru-cache';
import {
  CHAT_SLOW_MODE,
  chatSig,
  feedsOf,
  type ListResource,
  membersSig,
  type Resource,
  rewardsSig,
  streamSig,
} from './catalog.js';

/** A write through a system: a unique value of a resource, or one member of an own list added or removed. */
export type Write =
  | { resource: 'channel'; id: string; title: string }
  | { resource: 'user'; id: string; description: string }
  | { resource: 'chat_settings'; id: string; followerMinutes: number }
  | { resource: ListResource; id: string; op: 'add' | 'remove'; userId: string; timeoutS?: number };

/** One system under test, as one process of a row sees it. */
export interface BenchSystem {
  readonly name: string;
  /** The resource of `id` as this system answers it now, as its signature. */
  read(resource: Resource, id: string, strict: boolean): Promise<string>;
  /** Writes through the system; resolves once acknowledged. */
  write(w: Write): Promise<void>;
  close(): Promise<void>;
}

/** Where the emulator is and who the process acts as. */
export interface SystemTarget {
  clientId: string;
  helixUrl: string;
  oauthUrl: string;
  eventsubWsUrl: string;
  port: number;
  userId: string;
  accessToken: string;
  /** The app's secret (a conduit needs an app token). */
  clientSecret?: string;
}

/** Collects an async iterable (a paginated Helix list). */
async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of items) out.push(x);
  return out;
}

/** No cache: every read is a Helix read (with the SDK's own HTTP client, so only the cache differs). */
export function rawHelix(t: SystemTarget): BenchSystem {
  const helix = new HelixClient({
    auth: new StaticAuthProvider({ clientId: t.clientId, accessToken: t.accessToken, userId: t.userId }),
    helixBaseUrl: t.helixUrl,
    validateTokens: false,
  });
  const as = { asUser: t.userId };
  const readers: Record<Resource, (id: string) => Promise<string>> = {
    channel: async (id) => (await helix.channels.getChannelInformation({ broadcasterId: id })).data[0]?.title ?? '',
    user: async (id) => (await helix.users.getUsers({ id })).data[0]?.description ?? '',
    stream: async (id) => streamSig((await helix.streams.getStreams({ userId: id })).data[0]),
    chat_settings: async (id) =>
      chatSig((await helix.chat.getChatSettings({ broadcasterId: id }, as)).data[0]?.followerModeDuration),
    vips: async (id) =>
      membersSig((await all(helix.moderation.getVipsPaginated({ broadcasterId: id }, as))).map((v) => v.userId)),
    moderators: async (id) =>
      membersSig((await all(helix.moderation.getModeratorsPaginated({ broadcasterId: id }, as))).map((v) => v.userId)),
    bans: async (id) =>
      membersSig((await all(helix.moderation.getBannedUsersPaginated({ broadcasterId: id }, as))).map((v) => v.userId)),
    rewards: async (id) =>
      rewardsSig((await helix.channelPoints.getCustomReward({ broadcasterId: id }, as)).data.map((r) => r.title)),
  };
  return {
    name: 'no cache (raw Helix)',
    read: (resource, id) => readers[resource](id),
    async write(w) {
      const b = { broadcasterId: w.id };
      if (w.resource === 'channel') await helix.channels.modifyChannelInformation(b, { title: w.title }, as);
      else if (w.resource === 'user') await helix.users.updateUser({ description: w.description }, as);
      else if (w.resource === 'chat_settings') {
        const body = { ...CHAT_SLOW_MODE, followerMode: true, followerModeDuration: w.followerMinutes };
        await helix.chat.updateChatSettings({ ...b, moderatorId: t.userId }, body, as);
      } else if (w.resource === 'vips') {
        const p = { ...b, userId: w.userId };
        await (w.op === 'add' ? helix.moderation.addChannelVip(p, as) : helix.moderation.removeChannelVip(p, as));
      } else if (w.resource === 'moderators') {
        const p = { ...b, userId: w.userId };
        await (w.op === 'add'
          ? helix.moderation.addChannelModerator(p, as)
          : helix.moderation.removeChannelModerator(p, as));
      } else if (w.op === 'add') {
        const data = { userId: w.userId, ...(w.timeoutS ? { duration: w.timeoutS } : {}) };
        await helix.moderation.banUser({ ...b, moderatorId: t.userId }, { data }, as);
      } else await helix.moderation.unbanUser({ ...b, moderatorId: t.userId, userId: w.userId }, as);
    },
    close: () => helix.close(),
  };
}

/** The cache key of a resource read in the baselines' caches. */
export const cacheKey = (resource: Resource, id: string): string => `${resource}:${id}`;

/** A plain TTL cache (lru-cache) in front of Helix; a write drops the key, as such caches are usually used. */
export function naiveTtl(t: SystemTarget, ttlMs: number, onMiss?: () => void): BenchSystem {
  const raw = rawHelix(t);
  const cache = new LRUCache<string, string>({ max: 10_000, ttl: ttlMs });
  return {
    name: `naive TTL cache (lru-cache, ${ttlMs / 1000} s)`,
    async read(resource, id) {
      const key = cacheKey(resource, id);
      const hit = cache.get(key);
      if (hit !== undefined) return hit;
      onMiss?.();
      const sig = await raw.read(resource, id, false);
      cache.set(key, sig);
      return sig;
    },
    async write(w) {
      await raw.write(w);
      cache.delete(cacheKey(w.resource, w.id));
    },
    close: () => raw.close(),
  };
}

/** `@twurple/api` 8 as its users run it (no cache of its own for these reads). */
export async function twurple(t: SystemTarget): Promise<BenchSystem> {
  // Twurple 8 selects a mock server only through this environment variable (no constructor option).
  process.env.TWURPLE_MOCK_API_PORT = String(t.port);
  const { ApiClient } = await import('@twurple/api');
  const { StaticAuthProvider: TwurpleStatic } = await import('@twurple/auth');
  const api = new ApiClient({ authProvider: new TwurpleStatic(t.clientId, t.accessToken) });
  const readers: Record<Resource, (id: string) => Promise<string>> = {
    channel: async (id) => (await api.channels.getChannelInfoById(id))?.title ?? '',
    user: async (id) => (await api.users.getUserById(id))?.description ?? '',
    stream: async (id) => streamSig(await api.streams.getStreamByUserId(id)),
    chat_settings: async (id) => chatSig((await api.chat.getSettings(id)).followerOnlyModeDelay),
    vips: async (id) => membersSig((await api.channels.getVipsPaginated(id).getAll()).map((v) => v.id)),
    moderators: async (id) =>
      membersSig((await api.moderation.getModeratorsPaginated(id).getAll()).map((v) => v.userId)),
    bans: async (id) => membersSig((await api.moderation.getBannedUsersPaginated(id).getAll()).map((v) => v.userId)),
    rewards: async (id) => rewardsSig((await api.channelPoints.getCustomRewards(id)).map((r) => r.title)),
  };
  return {
    name: '@twurple/api 8',
    read: (resource, id) => readers[resource](id),
    async write(w) {
      if (w.resource === 'channel') await api.channels.updateChannelInfo(w.id, { title: w.title });
      else if (w.resource === 'user') await api.users.updateAuthenticatedUser(w.id, { description: w.description });
      else if (w.resource === 'chat_settings') {
        await api.chat.updateSettings(w.id, {
          followerOnlyModeEnabled: true,
          followerOnlyModeDelay: w.followerMinutes,
        });
      } else if (w.resource === 'vips') {
        await (w.op === 'add' ? api.channels.addVip(w.id, w.userId) : api.channels.removeVip(w.id, w.userId));
      } else if (w.resource === 'moderators') {
        await (w.op === 'add'
          ? api.moderation.addModerator(w.id, w.userId)
          : api.moderation.removeModerator(w.id, w.userId));
      } else if (w.op === 'add') {
        await api.moderation.banUser(w.id, {
          user: w.userId,
          ...(w.timeoutS ? { duration: w.timeoutS } : {}),
          reason: '',
        });
      } else await api.moderation.unbanUser(w.id, w.userId);
    },
    async close() {},
  };
}

/** Twitchify's Client, in memory or on Redis; `instrument` lets the row record events and loads. */
export async function twitchify(
  t: SystemTarget,
  options: {
    redisUrl?: string;
    prefix?: string;
    instrument: ClientInstrument;
    clock: { now(): number };
    /** Keys (`channel:<id>`, `bans:<id>`, ...) to read once, then wait (bounded) for their feeds, before returning. */
    warm?: readonly { resource: Resource; id: string }[];
    /** Where the Client logs (the fault matrix reads it); default BENCH_DUMP's change logger, or the Client's own. */
    logger?: LoggerLike;
    /** Listen as one shard of the app's conduit instead of a WebSocket of the user's token. */
    conduit?: boolean;
  },
): Promise<BenchSystem & { client: Client }> {
  const client = new Client({
    clientId: t.clientId,
    urls: { helix: t.helixUrl, oauth: t.oauthUrl, eventsubWs: t.eventsubWsUrl },
    ...(options.redisUrl ? { cache: { redis: { url: options.redisUrl, prefix: options.prefix ?? 'bench:' } } } : {}),
    instrument: options.instrument,
    clock: options.clock,
    ...(options.conduit ? { clientSecret: t.clientSecret, eventsub: { conduit: {} } } : {}),
    // BENCH_DUMP: every change the cache records, on stderr, to hold against the dumped timeline
    ...(options.logger
      ? { logger: options.logger }
      : process.env.BENCH_DUMP
        ? { logger: changeLogger(options.clock) }
        : {}),
  });
  await client.run({ accessToken: t.accessToken });
  const level = (strict: boolean) => (strict ? { level: 'strict' as const } : undefined);
  const readers: Record<Resource, (id: string, strict: boolean) => Promise<string>> = {
    channel: async (id, s) => (await client.channels.get(id, level(s)))?.title ?? '',
    user: async (id, s) => (await client.users.get(id, level(s)))?.description ?? '',
    stream: async (id, s) => streamSig(await client.streams.get(id, level(s))),
    chat_settings: async (id, s) => chatSig((await client.chat.getSettings(id, level(s)))?.followerModeDuration),
    vips: async (id, s) => membersSig((await client.channels.getVips(id, level(s))).map((v) => v.userId)),
    moderators: async (id, s) => membersSig((await client.moderation.getModerators(id, level(s))).map((v) => v.userId)),
    bans: async (id, s) => membersSig((await client.moderation.getBannedUsers(id, level(s))).map((v) => v.userId)),
    rewards: async (id, s) =>
      rewardsSig((await client.channelPoints.getCustomRewards(id, level(s))).map((r) => r.title)),
  };
  if (options.warm) {
    // A bot in production is warm: its reads have subscribed to the feeds that keep them fresh. Read every key
    // once and wait (bounded) until the subscriptions the reads asked for are enabled (no refused or pending feed).
    await Promise.all(options.warm.map((k) => readers[k.resource](k.id, false).catch(() => null)));
    const wanted = feedsOf(
      options.warm.map((k) => cacheKey(k.resource, k.id)),
      t.userId,
    ).length;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && client.cacheReport().feeds.active.length < wanted) {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    name: options.redisUrl ? 'Twitchify on Redis' : 'Twitchify in memory',
    client,
    read: (resource, id, strict) => readers[resource](id, strict),
    async write(w) {
      if (w.resource === 'channel') await client.channels.update(w.id, { title: w.title });
      else if (w.resource === 'user') await client.users.update({ description: w.description });
      else if (w.resource === 'chat_settings') {
        await client.chat.updateSettings(w.id, {
          ...CHAT_SLOW_MODE,
          followerMode: true,
          followerModeDuration: w.followerMinutes,
        });
      } else if (w.resource === 'vips') {
        await (w.op === 'add' ? client.channels.addVip(w.id, w.userId) : client.channels.removeVip(w.id, w.userId));
      } else if (w.resource === 'moderators') {
        await (w.op === 'add'
          ? client.moderation.addModerator(w.id, w.userId)
          : client.moderation.removeModerator(w.id, w.userId));
      } else if (w.op === 'add') {
        await client.moderation.banUser(w.id, { userId: w.userId, ...(w.timeoutS ? { duration: w.timeoutS } : {}) });
      } else await client.moderation.unbanUser(w.id, w.userId);
    },
    async close() {
      if (process.env.BENCH_DEBUG) {
        const report = client.cacheReport();
        process.stderr.write(
          `cache stats: ${JSON.stringify(report.stats)}; feeds refused: ${report.feeds.refused.length}\n`,
        );
      }
      await client.close();
    },
  };
}

/** Logs the cache's recorded changes (debug `cache: change`) with the run's clock; the rest is dropped. */
function changeLogger(clock: { now(): number }) {
  const quiet = () => {};
  return {
    debug(message: string, fields?: Record<string, unknown>) {
      if (message === 'cache: change')
        process.stderr.write(`CHANGE pid${process.pid} ${clock.now().toFixed(1)} ${JSON.stringify(fields)}\n`);
    },
    info: quiet,
    warn: quiet,
    error: quiet,
  };
}
