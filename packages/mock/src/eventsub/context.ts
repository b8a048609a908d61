/** What the hub's route modules share: state, sessions, time, randomness and the webhook sender. */
import type { AuthContext, MockRequest } from '../http/route.js';
import type { HubSession } from './session.js';
import type { ConduitState, HubStore, ShardState } from './store.js';
import type { HubSubscription } from './types.js';
import type { WebhookSender } from './webhook.js';

export interface HubContext {
  store: HubStore;
  sessions: Map<string, HubSession>;
  webhooks: WebhookSender;
  now(): number;
  random(): number;
  limits: { subscriptionsPerConnection: number; connectionsPerUser: number };
  /** A new subscription was created with webhook transport: verify it, then enable it. */
  verifyWebhook(sub: HubSubscription): void;
  /** A shard was given a webhook transport: send the challenge, then enable it (or mark it failed). */
  verifyShard(conduit: ConduitState, shard: ShardState): void;
}

/** The request's token: resolved by the server when it mounted the route, else looked up from the header. */
export function authOf(req: MockRequest, lookup: (token: string) => AuthContext | undefined): AuthContext | undefined {
  if (req.auth) return req.auth;
  const header = req.headers.authorization;
  const value = Array.isArray(header) ? header[0] : header;
  const token = value?.replace(/^Bearer\s+/i, '');
  return token ? lookup(token) : undefined;
}

/** A page of a list, with Twitch's opaque cursor (here the offset, base64url). */
export function page<T>(items: readonly T[], after: string | null, size: number): { data: T[]; cursor?: string } {
  const start = after ? Number(Buffer.from(after, 'base64url').toString()) || 0 : 0;
  const data = items.slice(start, start + size);
  const end = start + data.length;
  return end < items.length ? { data, cursor: Buffer.from(String(end)).toString('base64url') } : { data };
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
