/** Instances of one app sharing Redis under one prefix, against one emulator: made, tracked and closed together. */
import { randomUUID } from 'node:crypto';
import { Client, type ClientOptions } from '@twitchify/core';
import type { MockServer } from '@twitchify/mock';
import { deletePrefix, REDIS_URL, until } from './support.js';

export class Instances {
  /** The Redis key prefix every instance shares (one per test file run). */
  readonly prefix: string;
  readonly #clients: Client[] = [];

  constructor(name: string) {
    this.prefix = `t:${name}:${randomUUID().slice(0, 8)}:`;
  }

  /** A Client of the app on `mock`, caching in the shared Redis (`extra` adds or overrides options). */
  client(mock: MockServer, extra: Partial<ClientOptions> = {}): Client {
    const client = new Client({
      clientId: mock.clientId,
      urls: { helix: mock.urls.helix, oauth: mock.urls.oauth, eventsubWs: mock.urls.eventsubWs },
      cache: { redis: { url: REDIS_URL, prefix: this.prefix } },
      ...extra,
    });
    this.#clients.push(client);
    return client;
  }

  /** Closes every instance made, and deletes what they left in Redis. */
  async close(): Promise<void> {
    await Promise.all(this.#clients.splice(0).map((c) => c.close()));
    await deletePrefix(this.prefix);
  }
}

/**
 * Runs `client` with `token`, reads `broadcasterId`'s channel and waits until `channel.update` covers it; returns the
 * titles of the `channel.update` events its handlers receive from then on.
 */
export async function watchingChannel(client: Client, token: string, broadcasterId: string): Promise<string[]> {
  await client.run({ accessToken: token });
  const titles: string[] = [];
  client.on('channel.update', (e) => titles.push(e.title));
  await client.channels.get(broadcasterId);
  await until(() => client.cacheReport().feeds.active.some((f) => f.startsWith('channel.update@2?')));
  return titles;
}

/**
 * On twitch.tv as it were: makes `user` a VIP of `broadcaster` if it is not one in `truth`, else removes it, and
 * keeps `truth` (the emulator's list) in step.
 */
export function toggleVip(mock: MockServer, broadcaster: string, user: string, truth: Set<string>): void {
  if (truth.has(user)) {
    mock.external.removeVip(broadcaster, user);
    truth.delete(user);
  } else {
    mock.external.addVip(broadcaster, user);
    truth.add(user);
  }
}
