/** Helix `eventsub/subscriptions`: GET (paginated, filtered), POST (transport and limit checks, 409), DELETE. */
import { type AuthContext, type HelixRoute, helixError, type MockRequest, type MockResponse } from '../http/route.js';
import { authOf, type HubContext, isRecord, page } from './context.js';
import { wireSubscription } from './frames.js';
import { timestamp, uuid } from './ids.js';
import {
  conditionProblem,
  MISSING_AUTHORIZATION,
  missingScopes,
  SUBSCRIPTION_REQUIREMENTS,
} from './subscriptionRequirements.js';
import type { HubSubscription, Transport } from './types.js';

const path = '/eventsub/subscriptions';
const pageSize = 100;

export function subscriptionRoutes(ctx: HubContext, lookup: (t: string) => AuthContext | undefined): HelixRoute[] {
  const visible = (auth: AuthContext) =>
    [...ctx.store.subscriptions.values()].filter((s) =>
      s.clientId !== auth.clientId
        ? false
        : auth.kind === 'app'
          ? s.transport.method !== 'websocket'
          : s.transport.method === 'websocket' && s.userId === auth.userId,
    );
  const totals = (subs: HubSubscription[]) => ({
    total: subs.length,
    total_cost: subs.reduce((n, s) => n + s.cost, 0),
    max_total_cost: 10_000,
  });

  const list = (req: MockRequest): MockResponse => {
    const auth = authOf(req, lookup);
    if (!auth) return helixError(401, 'Invalid OAuth token');
    const all = visible(auth);
    const status = req.query.get('status');
    const type = req.query.get('type');
    const userId = req.query.get('user_id');
    const id = req.query.get('subscription_id');
    const filtered = all.filter(
      (s) =>
        (!status || s.status === status) &&
        (!type || s.type === type) &&
        (!id || s.id === id) &&
        (!userId || Object.values(s.condition).includes(userId)),
    );
    const { data, cursor } = page(filtered, req.query.get('after'), pageSize);
    return {
      status: 200,
      body: { data: data.map(wireSubscription), ...totals(all), pagination: cursor ? { cursor } : {} },
    };
  };

  const create = (req: MockRequest): MockResponse => {
    const auth = authOf(req, lookup);
    if (!auth) return helixError(401, 'Invalid OAuth token');
    const body = req.body;
    if (!isRecord(body)) return helixError(400, 'The request body is not valid JSON');
    const { type, version, condition, transport } = body;
    if (typeof type !== 'string' || typeof version !== 'string')
      return helixError(400, 'type and version are required');
    const required = SUBSCRIPTION_REQUIREMENTS[`${type}@${version}`];
    if (!required) return helixError(400, 'invalid subscription type and version');
    if (!isRecord(condition) || Object.values(condition).some((v) => typeof v !== 'string')) {
      return helixError(400, 'condition must be an object of strings');
    }
    const cond = condition as Record<string, string>;
    const problem = conditionProblem(required, cond);
    if (problem) return helixError(400, problem);
    if (!isRecord(transport) || typeof transport.method !== 'string') return helixError(400, 'transport is required');
    const t = checkTransport(ctx, auth, transport);
    if ('status' in t) return t;
    // A user token must hold the type's scopes itself. An app token stands for the users who authorized the client,
    // whose grants the emulator does not model: it is admitted.
    if (auth.kind === 'user' && (required.appOnly || missingScopes(required, auth.scopes).length > 0)) {
      return helixError(403, MISSING_AUTHORIZATION);
    }
    const dup = ctx.store.findDuplicate(auth.clientId, type, version, cond, t.transport);
    if (dup) return helixError(409, 'subscription already exists');
    if (t.transport.method === 'websocket') {
      const limit = checkWebsocketLimits(ctx, auth, t.transport.session_id);
      if (limit) return limit;
    }
    const sub: HubSubscription = {
      id: uuid(ctx.random),
      clientId: auth.clientId,
      ...(auth.userId ? { userId: auth.userId } : {}),
      type,
      version,
      status: t.transport.method === 'webhook' ? 'webhook_callback_verification_pending' : 'enabled',
      cost: t.transport.method === 'websocket' || auth.kind === 'user' ? 0 : 1,
      condition: { ...cond },
      transport: t.transport,
      createdAt: timestamp(ctx.now()),
    };
    ctx.store.subscriptions.set(sub.id, sub);
    if (sub.transport.method === 'webhook') ctx.verifyWebhook(sub);
    const mine = visible(auth);
    return { status: 202, body: { data: [wireSubscription(sub)], ...totals(mine) } };
  };

  const remove = (req: MockRequest): MockResponse => {
    const auth = authOf(req, lookup);
    if (!auth) return helixError(401, 'Invalid OAuth token');
    const id = req.query.get('id');
    if (!id) return helixError(400, 'Missing required parameter "id"');
    const sub = ctx.store.subscriptions.get(id);
    if (!sub || sub.clientId !== auth.clientId || (auth.kind === 'user' && sub.userId !== auth.userId)) {
      return helixError(404, 'subscription not found');
    }
    ctx.store.subscriptions.delete(id);
    return { status: 204 };
  };

  return [
    { method: 'GET', path, token: 'app-or-user', handle: list },
    { method: 'POST', path, token: 'app-or-user', handle: create },
    { method: 'DELETE', path, token: 'app-or-user', handle: remove },
  ];
}

function checkTransport(
  ctx: HubContext,
  auth: AuthContext,
  t: Record<string, unknown>,
): { transport: Transport } | MockResponse {
  if (t.method === 'websocket') {
    if (auth.kind !== 'user') return helixError(400, 'websocket transport requires a user access token');
    const session = typeof t.session_id === 'string' ? ctx.sessions.get(t.session_id) : undefined;
    if (!session || session.status === 'closed') return helixError(400, 'websocket session not found or disconnected');
    return { transport: { method: 'websocket', session_id: session.id, connected_at: session.connectedAt } };
  }
  if (auth.kind !== 'app') return helixError(400, `${String(t.method)} transport requires an app access token`);
  if (t.method === 'webhook') {
    const { callback, secret } = t;
    if (typeof callback !== 'string' || !/^https?:\/\//.test(callback)) return helixError(400, 'invalid callback');
    if (typeof secret !== 'string' || secret.length < 10 || secret.length > 100) {
      return helixError(400, 'secret must be 10 to 100 characters');
    }
    return { transport: { method: 'webhook', callback, secret } };
  }
  if (t.method === 'conduit') {
    const conduit = typeof t.conduit_id === 'string' ? ctx.store.conduits.get(t.conduit_id) : undefined;
    if (!conduit || conduit.clientId !== auth.clientId) return helixError(400, 'conduit not found');
    return { transport: { method: 'conduit', conduit_id: conduit.id } };
  }
  return helixError(400, 'transport method must be websocket, webhook or conduit');
}

/** 300 enabled subscriptions per connection, 3 connections with enabled subscriptions per user token. */
function checkWebsocketLimits(ctx: HubContext, auth: AuthContext, sessionId: string): MockResponse | undefined {
  const onSession = ctx.store.enabledCountOnSession(sessionId);
  if (onSession >= ctx.limits.subscriptionsPerConnection) {
    return helixError(429, 'websocket subscriptions limit exceeded');
  }
  if (onSession > 0) return undefined;
  const sessions = new Set<string>();
  for (const s of ctx.store.subscriptions.values()) {
    if (s.clientId !== auth.clientId || s.userId !== auth.userId || s.status !== 'enabled') continue;
    if (s.transport.method === 'websocket' && s.transport.session_id !== sessionId)
      sessions.add(s.transport.session_id);
  }
  if (sessions.size >= ctx.limits.connectionsPerUser) return helixError(429, 'websocket transports limit exceeded');
  return undefined;
}
