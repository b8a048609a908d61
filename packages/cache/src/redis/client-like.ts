/**
 * What the cache needs of a Redis client, written structurally so that no declaration file of this package names
 * `ioredis` (an optional peer: a project without it must still type-check). An ioredis `Redis` or `Cluster` fits it
 * as it is; the cache calls nothing else on the client it is given.
 */
export interface RedisClientLike {
  /** The connection's state; the cache sends commands only while it is `'ready'`. */
  readonly status: string;
  /** Listens for `ready`, `close`, `error` and (on the subscriber) `messageBuffer`. */
  // biome-ignore lint/suspicious/noExplicitAny: each event has its own arguments, as in Node's EventEmitter
  on(event: string, listener: (...args: any[]) => void): unknown;
  // biome-ignore lint/suspicious/noExplicitAny: as `on`
  off(event: string, listener: (...args: any[]) => void): unknown;
  /** Another connection with the same settings, changed by `override` (the subscriber of the bus). */
  duplicate(override?: object): RedisClientLike;
  evalsha(sha: string, numkeys: number, ...args: string[]): Promise<unknown>;
  eval(script: string, numkeys: number, ...args: string[]): Promise<unknown>;
  hmget(key: string, ...fields: string[]): Promise<unknown>;
  mget(keys: string[]): Promise<unknown>;
  publish(channel: string, message: string): Promise<unknown>;
  subscribe(...channels: string[]): Promise<unknown>;
  quit(): Promise<unknown>;
  disconnect(reconnect?: boolean): void;
}
