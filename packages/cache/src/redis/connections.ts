import { createRequire } from 'node:module';
import { CacheArgumentError } from '../errors.js';
import type { ResolvedRedisOptions } from '../options.js';
import type { RedisClientLike } from './client-like.js';

type IoRedis = typeof import('ioredis');
let ioredis: IoRedis | undefined;

/**
 * `ioredis` is an optional peer dependency: it is loaded the first time a Redis tier is opened, so that in-process
 * users need not install it; missing, the error says what to install.
 */
function loadIoredis(): IoRedis {
  if (ioredis) return ioredis;
  try {
    ioredis = createRequire(import.meta.url)('ioredis') as IoRedis;
  } catch (error) {
    throw new CacheArgumentError('redis', 'the Redis tier needs the `ioredis` package: npm install ioredis', {
      cause: error,
    });
  }
  return ioredis;
}

/** The name a connection shows in CLIENT LIST: prefix, role and the process's origin id. */
function connectionName(options: ResolvedRedisOptions, role: 'data' | 'bus', origin: string): string {
  return `${options.prefix.replace(/[^\w:.-]/g, '_')}${role}:${origin}`;
}

/**
 * The data connection: the client given, or one opened from the URL (with auth and TLS as the URL says) that fails
 * commands at once while it is not connected (no offline queue) and reconnects with capped, jittered backoff.
 */
export function openDataClient(
  options: ResolvedRedisOptions,
  origin: string,
): { client: RedisClientLike; owned: boolean } {
  if (options.client !== undefined) return { client: options.client, owned: false };
  const client = new (loadIoredis().Redis)(options.url ?? '', {
    enableOfflineQueue: false,
    commandTimeout: options.commandTimeoutMs,
    maxRetriesPerRequest: 1,
    connectionName: connectionName(options, 'data', origin),
    retryStrategy: (attempt) => Math.min(1000, 25 * 2 ** Math.min(attempt, 10)) + Math.floor(Math.random() * 25),
  });
  return { client, owned: true };
}

/**
 * The bus subscriber: a duplicate of the data connection that queues its SUBSCRIBE while connecting and does not
 * resubscribe by itself (the bus does it on every `ready`, and tracks that it did). A Cluster subscribes through one
 * node of its own choosing (PUBLISH reaches every node).
 */
export function openSubscriber(
  client: RedisClientLike,
  options: ResolvedRedisOptions,
  origin: string,
): RedisClientLike {
  if (client instanceof loadIoredis().Cluster) return client.duplicate();
  return client.duplicate({
    enableOfflineQueue: true,
    autoResubscribe: false,
    commandTimeout: undefined,
    connectionName: connectionName(options, 'bus', origin),
  });
}
