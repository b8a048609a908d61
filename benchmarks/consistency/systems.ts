/**
 * The systems a row measures, behind one interface: read a channel's title, write it, read and change the own
 * broadcaster's VIP list, close. Each is what a user
 * would run instead of Twitchify (raw Helix, a TTL cache in front of it, Twurple), or Twitchify itself.
 */
import { Client, type ClientInstrument, HelixClient, StaticAuthProvider } from '@twitchify/core';
import { LRUCache } from 'lru-cache';

/** One system under test, as one process of a row sees it. */
export interface BenchSystem {
  readonly name: string;
  /** The channel's title as this system answers it now. */
  read(broadcasterId: string, strict: boolean): Promise<string>;
  /** Writes the title through the system; resolves once acknowledged. */
  write(broadcasterId: string, title: string): Promise<void>;
  /** The user ids of the broadcaster's VIPs as this system answers them now (the broadcaster's own token). */
  readVips(broadcasterId: string, strict: boolean): Promise<string[]>;
  /** Adds (removes) a VIP through the system; resolves once acknowledged. */
  addVip(broadcasterId: string, userId: string): Promise<void>;
  removeVip(broadcasterId: string, userId: string): Promise<void>;
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
}

/** No cache: every read is a Helix read (with the SDK's own HTTP client, so only the cache differs). */
export function rawHelix(t: SystemTarget): BenchSystem {
  const helix = new HelixClient({
    auth: new StaticAuthProvider({ clientId: t.clientId, accessToken: t.accessToken, userId: t.userId }),
    helixBaseUrl: t.helixUrl,
    validateTokens: false,
  });
  return {
    name: 'no cache (raw Helix)',
    async read(id) {
      return (await helix.channels.getChannelInformation({ broadcasterId: id })).data[0]?.title ?? '';
    },
    async write(id, title) {
      await helix.channels.modifyChannelInformation({ broadcasterId: id }, { title }, { asUser: t.userId });
    },
    async readVips(id) {
      const ids: string[] = [];
      for await (const v of helix.moderation.getVipsPaginated({ broadcasterId: id }, { asUser: t.userId })) {
        ids.push(v.userId);
      }
      return ids;
    },
    async addVip(id, userId) {
      await helix.moderation.addChannelVip({ broadcasterId: id, userId }, { asUser: t.userId });
    },
    async removeVip(id, userId) {
      await helix.moderation.removeChannelVip({ broadcasterId: id, userId }, { asUser: t.userId });
    },
    close: () => helix.close(),
  };
}

/** A plain TTL cache (lru-cache) in front of Helix; a write drops the key, as such caches are usually used. */
export function naiveTtl(t: SystemTarget, ttlMs: number, onMiss?: () => void): BenchSystem {
  const raw = rawHelix(t);
  const cache = new LRUCache<string, string>({ max: 10_000, ttl: ttlMs });
  const vips = new LRUCache<string, string[]>({ max: 10_000, ttl: ttlMs });
  return {
    name: `naive TTL cache (lru-cache, ${ttlMs / 1000} s)`,
    async read(id) {
      const hit = cache.get(id);
      if (hit !== undefined) return hit;
      onMiss?.();
      const title = await raw.read(id, false);
      cache.set(id, title);
      return title;
    },
    async write(id, title) {
      await raw.write(id, title);
      cache.delete(id);
    },
    async readVips(id) {
      const hit = vips.get(id);
      if (hit !== undefined) return hit;
      onMiss?.();
      const list = await raw.readVips(id, false);
      vips.set(id, list);
      return list;
    },
    async addVip(id, userId) {
      await raw.addVip(id, userId);
      vips.delete(id);
    },
    async removeVip(id, userId) {
      await raw.removeVip(id, userId);
      vips.delete(id);
    },
    close: () => raw.close(),
  };
}

/** `@twurple/api` 8 as its users run it (no cache of its own for channel information). */
export async function twurple(t: SystemTarget): Promise<BenchSystem> {
  // Twurple 8 selects a mock server only through this environment variable (no constructor option).
  process.env.TWURPLE_MOCK_API_PORT = String(t.port);
  const { ApiClient } = await import('@twurple/api');
  const { StaticAuthProvider: TwurpleStatic } = await import('@twurple/auth');
  const api = new ApiClient({ authProvider: new TwurpleStatic(t.clientId, t.accessToken) });
  return {
    name: '@twurple/api 8',
    async read(id) {
      return (await api.channels.getChannelInfoById(id))?.title ?? '';
    },
    async write(id, title) {
      await api.channels.updateChannelInfo(id, { title });
    },
    async readVips(id) {
      return (await api.channels.getVipsPaginated(id).getAll()).map((v) => v.id);
    },
    async addVip(id, userId) {
      await api.channels.addVip(id, userId);
    },
    async removeVip(id, userId) {
      await api.channels.removeVip(id, userId);
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
    /** Broadcasters to read once (and wait for their feeds) before returning. */
    warm?: readonly string[];
    /** Broadcasters whose VIP lists to read once (and wait for their feeds) before returning. */
    warmVips?: readonly string[];
  },
): Promise<BenchSystem & { client: Client }> {
  const client = new Client({
    clientId: t.clientId,
    urls: { helix: t.helixUrl, oauth: t.oauthUrl, eventsubWs: t.eventsubWsUrl },
    ...(options.redisUrl ? { cache: { redis: { url: options.redisUrl, prefix: options.prefix ?? 'bench:' } } } : {}),
    instrument: options.instrument,
    clock: options.clock,
    // BENCH_DUMP: every change the cache records, on stderr, to hold against the dumped timeline
    ...(process.env.BENCH_DUMP ? { logger: changeLogger(options.clock) } : {}),
  });
  await client.run({ accessToken: t.accessToken });
  if (options.warm) {
    // A bot in production is warm: its reads have subscribed to the feeds that keep them fresh. Read every
    // channel once and wait (bounded) until those subscriptions are enabled, before the measured run starts.
    const vips = options.warmVips ?? [];
    await Promise.all([
      ...options.warm.map((id) => client.channels.get(id).catch(() => null)),
      ...vips.map((id) => client.channels.getVips(id).catch(() => null)),
    ]);
    const deadline = Date.now() + 20_000;
    const wanted = options.warm.length;
    const count = (active: string[], type: string) => active.filter((f) => f.startsWith(`${type}@`)).length;
    while (Date.now() < deadline) {
      const active = client.cacheReport().feeds.active;
      if (
        count(active, 'channel.update') >= wanted &&
        count(active, 'channel.vip.add') >= vips.length &&
        count(active, 'channel.vip.remove') >= vips.length
      ) {
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    name: options.redisUrl ? 'Twitchify on Redis' : 'Twitchify in memory',
    client,
    async read(id, strict) {
      return (await client.channels.get(id, strict ? { level: 'strict' } : undefined))?.title ?? '';
    },
    async write(id, title) {
      await client.channels.update(id, { title });
    },
    async readVips(id, strict) {
      return (await client.channels.getVips(id, strict ? { level: 'strict' } : undefined)).map((v) => v.userId);
    },
    async addVip(id, userId) {
      await client.channels.addVip(id, userId);
    },
    async removeVip(id, userId) {
      await client.channels.removeVip(id, userId);
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
