/**
 * The Helix calls EventSub needs, behind a small interface so that core can inject its own Helix client (with its
 * rate limiting and token refresh). `createEventSubApi` is a plain HTTP implementation for standalone use.
 */
import { type Dispatcher, fetch as undiciFetch } from 'undici';
import { EventSubApiError, EventSubOptionsError } from './errors.js';
import { toSubscription } from './subscription.js';
import type { EventSubSubscription, SubscriptionSpec } from './types.js';
import { describeProblem } from './wire/check.js';
import type { WireSubscription } from './wire/frames.js';
import { type Answer, conduitList, shardList, shardUpdate, subscriptionList, type WireShard } from './wire/helix.js';

/** Where a subscription's notifications go. */
export type TransportSpec =
  | { method: 'websocket'; sessionId: string }
  | { method: 'webhook'; callback: string; secret: string }
  | { method: 'conduit'; conduitId: string };

export interface Conduit {
  id: string;
  shardCount: number;
}

export interface ConduitShard {
  id: string;
  status: string;
  transport: { method?: string; sessionId?: string; callback?: string } | null;
}

/** Shard transports for `updateShards`. */
export type ShardTransport =
  | { method: 'websocket'; sessionId: string }
  | { method: 'webhook'; callback: string; secret: string };

/**
 * The EventSub part of Helix. Every method throws `EventSubApiError` (`status` 409 for a duplicate subscription).
 * The token decides what `listSubscriptions` sees: a user token its WebSocket subscriptions, an app token the rest.
 */
export interface EventSubApi {
  listSubscriptions(filter?: { status?: string; type?: string }): Promise<EventSubSubscription[]>;
  createSubscription(spec: SubscriptionSpec, transport: TransportSpec): Promise<EventSubSubscription>;
  deleteSubscription(id: string): Promise<void>;
  listConduits(): Promise<Conduit[]>;
  createConduit(shardCount: number): Promise<Conduit>;
  updateConduit(id: string, shardCount: number): Promise<Conduit>;
  deleteConduit(id: string): Promise<void>;
  listShards(conduitId: string, status?: string): Promise<ConduitShard[]>;
  updateShards(
    conduitId: string,
    shards: { id: string; transport: ShardTransport }[],
  ): Promise<{ updated: ConduitShard[]; errors: { id: string; message: string }[] }>;
}

export interface EventSubApiOptions {
  clientId: string;
  /** Called before every request; return a user token for WebSocket subscriptions, an app token otherwise. */
  token: () => string | Promise<string>;
  /** Helix base, e.g. `https://api.twitch.tv/helix` or the emulator's `mock.urls.helix`. */
  baseUrl?: string;
  dispatcher?: Dispatcher;
}

const wireTransport = (t: TransportSpec | ShardTransport) =>
  t.method === 'websocket'
    ? { method: 'websocket', session_id: t.sessionId }
    : t.method === 'webhook'
      ? { method: 'webhook', callback: t.callback, secret: t.secret }
      : { method: 'conduit', conduit_id: t.conduitId };

const toShard = (s: WireShard): ConduitShard => ({
  id: s.id,
  status: s.status,
  transport: s.transport
    ? {
        ...(s.transport.method ? { method: s.transport.method } : {}),
        ...(s.transport.session_id ? { sessionId: s.transport.session_id } : {}),
        ...(s.transport.callback ? { callback: s.transport.callback } : {}),
      }
    : null,
});

/** A plain HTTP `EventSubApi`. */
export function createEventSubApi(options: EventSubApiOptions): EventSubApi {
  if (!options.clientId) throw new EventSubOptionsError('clientId', 'is required');
  if (typeof options.token !== 'function') throw new EventSubOptionsError('token', 'must be a function');
  const base = (options.baseUrl ?? 'https://api.twitch.tv/helix').replace(/\/$/, '');

  async function call<T>(
    method: string,
    path: string,
    query: Record<string, string | undefined>,
    body: unknown,
    answer: Answer<T> | null,
  ): Promise<T> {
    const url = new URL(base + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
    const headers: Record<string, string> = {
      'client-id': options.clientId,
      authorization: `Bearer ${await options.token()}`,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Awaited<ReturnType<typeof undiciFetch>>;
    try {
      res = await undiciFetch(url, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      });
    } catch (cause) {
      throw new EventSubApiError(0, `${method} ${path} failed: no answer`, { cause });
    }
    const text = await res.text();
    if (!res.ok) {
      let message = text.slice(0, 300);
      try {
        message = String((JSON.parse(text) as { message?: unknown }).message ?? message);
      } catch {}
      throw new EventSubApiError(res.status, `${method} ${path} answered ${res.status}: ${message}`);
    }
    if (!answer) return undefined as T;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new EventSubApiError(res.status, `${method} ${path} answered an unexpected body`, { cause });
    }
    const problem = answer(json);
    if (problem !== undefined) {
      throw new EventSubApiError(res.status, `${method} ${path} answered an unexpected body`, {
        cause: new TypeError(describeProblem(problem)),
      });
    }
    return json as T;
  }

  /** Every item of a cursor-paginated list, following `pagination.cursor` until Twitch gives none. */
  async function allPages<W, T>(
    path: string,
    query: Record<string, string | undefined>,
    answer: Answer<{ data: W[]; pagination?: { cursor?: string | undefined } | undefined }>,
    map: (wire: W) => T,
  ): Promise<T[]> {
    const out: T[] = [];
    let after: string | undefined;
    do {
      const page = await call('GET', path, { ...query, after }, undefined, answer);
      out.push(...page.data.map(map));
      after = page.pagination?.cursor || undefined;
    } while (after);
    return out;
  }

  /** POST or PATCH of a conduit, answering the one conduit Twitch returns. */
  async function oneConduit(method: 'POST' | 'PATCH', body: Record<string, unknown>): Promise<Conduit> {
    const c = (await call(method, '/eventsub/conduits', {}, body, conduitList)).data[0];
    if (!c) throw new EventSubApiError(200, `${method} /eventsub/conduits answered no conduit`);
    return { id: c.id, shardCount: c.shard_count };
  }

  return {
    listSubscriptions: (filter = {}) => allPages('/eventsub/subscriptions', filter, subscriptionList, toSubscription),
    async createSubscription(spec, transport) {
      const body = {
        type: spec.type,
        version: spec.version,
        condition: spec.condition,
        transport: wireTransport(transport),
      };
      const res = await call('POST', '/eventsub/subscriptions', {}, body, subscriptionList);
      const first = res.data[0];
      if (!first) throw new EventSubApiError(202, 'POST /eventsub/subscriptions answered no subscription');
      return toSubscription(first as WireSubscription);
    },
    async deleteSubscription(id) {
      await call('DELETE', '/eventsub/subscriptions', { id }, undefined, null);
    },
    async listConduits() {
      const res = await call('GET', '/eventsub/conduits', {}, undefined, conduitList);
      return res.data.map((c) => ({ id: c.id, shardCount: c.shard_count }));
    },
    createConduit: (shardCount) => oneConduit('POST', { shard_count: shardCount }),
    updateConduit: (id, shardCount) => oneConduit('PATCH', { id, shard_count: shardCount }),
    async deleteConduit(id) {
      await call('DELETE', '/eventsub/conduits', { id }, undefined, null);
    },
    listShards: (conduitId, status) =>
      allPages('/eventsub/conduits/shards', { conduit_id: conduitId, status }, shardList, toShard),
    async updateShards(conduitId, shards) {
      const body = {
        conduit_id: conduitId,
        shards: shards.map((s) => ({ id: s.id, transport: wireTransport(s.transport) })),
      };
      const res = await call('PATCH', '/eventsub/conduits/shards', {}, body, shardUpdate);
      return {
        updated: res.data.map(toShard),
        errors: (res.errors ?? []).map((e) => ({ id: e.id, message: e.message })),
      };
    },
  };
}
