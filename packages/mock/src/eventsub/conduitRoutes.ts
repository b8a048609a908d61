/** Helix `eventsub/conduits` (GET, POST, PATCH, DELETE) and `eventsub/conduits/shards` (GET, PATCH answering 202). */
import { type AuthContext, type HelixRoute, helixError, type MockRequest, type MockResponse } from '../http/route.js';
import { authOf, type HubContext, isRecord, page } from './context.js';
import { uuid } from './ids.js';
import type { ConduitState, ShardState } from './store.js';

const maxConduits = 5;
const maxShards = 20_000;

const wireConduit = (c: ConduitState) => ({ id: c.id, shard_count: c.shards.length });
const wireShard = (s: ShardState) => ({ id: s.id, status: s.status, transport: s.transport ? stripSecret(s) : {} });

function stripSecret(s: ShardState) {
  if (s.transport?.method === 'webhook') return { method: 'webhook', callback: s.transport.callback };
  return s.transport;
}

function resize(c: ConduitState, count: number): void {
  if (count < c.shards.length) c.shards.length = count;
  for (let i = c.shards.length; i < count; i++) c.shards.push({ id: String(i), status: 'disabled', transport: null });
}

export function conduitRoutes(ctx: HubContext, lookup: (t: string) => AuthContext | undefined): HelixRoute[] {
  const appAuth = (req: MockRequest): AuthContext | MockResponse => {
    const auth = authOf(req, lookup);
    if (!auth) return helixError(401, 'Invalid OAuth token');
    if (auth.kind !== 'app') return helixError(401, 'conduits require an app access token');
    return auth;
  };
  /** A route that only an app token may call; `handle` gets the token's context. */
  const appRoute = (
    method: HelixRoute['method'],
    path: string,
    handle: (req: MockRequest, auth: AuthContext) => MockResponse,
  ): HelixRoute => ({
    method,
    path,
    token: 'app',
    handle(req) {
      const auth = appAuth(req);
      return 'status' in auth ? auth : handle(req, auth);
    },
  });
  const mine = (auth: AuthContext) => [...ctx.store.conduits.values()].filter((c) => c.clientId === auth.clientId);
  const owned = (auth: AuthContext, id: unknown) => {
    const c = typeof id === 'string' ? ctx.store.conduits.get(id) : undefined;
    return c && c.clientId === auth.clientId ? c : undefined;
  };
  const count = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= maxShards ? v : null);

  const routes: HelixRoute[] = [
    appRoute('GET', '/eventsub/conduits', (_req, auth) => {
      const data = mine(auth).map(wireConduit);
      return { status: 200, body: { data } };
    }),
    appRoute('POST', '/eventsub/conduits', (req, auth) => {
      const n = isRecord(req.body) ? count(req.body.shard_count) : null;
      if (n === null) return helixError(400, 'shard_count must be an integer from 1 to 20000');
      if (mine(auth).length >= maxConduits) return helixError(429, 'conduit limit reached');
      const conduit: ConduitState = { id: uuid(ctx.random), clientId: auth.clientId, shards: [], next: 0 };
      resize(conduit, n);
      ctx.store.conduits.set(conduit.id, conduit);
      return { status: 200, body: { data: [wireConduit(conduit)] } };
    }),
    appRoute('PATCH', '/eventsub/conduits', (req, auth) => {
      const body = isRecord(req.body) ? req.body : {};
      const n = count(body.shard_count);
      if (n === null) return helixError(400, 'shard_count must be an integer from 1 to 20000');
      const conduit = owned(auth, body.id);
      if (!conduit) return helixError(404, 'conduit not found');
      resize(conduit, n);
      return { status: 200, body: { data: [wireConduit(conduit)] } };
    }),
    appRoute('DELETE', '/eventsub/conduits', (req, auth) => {
      const conduit = owned(auth, req.query.get('id'));
      if (!conduit) return helixError(404, 'conduit not found');
      ctx.store.conduits.delete(conduit.id);
      for (const [id, s] of ctx.store.subscriptions) {
        if (s.transport.method === 'conduit' && s.transport.conduit_id === conduit.id)
          ctx.store.subscriptions.delete(id);
      }
      return { status: 204 };
    }),
    appRoute('GET', '/eventsub/conduits/shards', (req, auth) => {
      const conduit = owned(auth, req.query.get('conduit_id'));
      if (!conduit) return helixError(404, 'conduit not found');
      const status = req.query.get('status');
      const shards = conduit.shards.filter((s) => !status || s.status === status);
      const { data, cursor } = page(shards, req.query.get('after'), 100);
      return { status: 200, body: { data: data.map(wireShard), pagination: cursor ? { cursor } : {} } };
    }),
    appRoute('PATCH', '/eventsub/conduits/shards', (req, auth) => {
      const body = isRecord(req.body) ? req.body : {};
      const conduit = owned(auth, body.conduit_id);
      if (!conduit) return helixError(404, 'conduit not found');
      if (!Array.isArray(body.shards)) return helixError(400, 'shards is required');
      const data: unknown[] = [];
      const errors: unknown[] = [];
      for (const entry of body.shards) {
        const result = updateShard(ctx, conduit, entry);
        if (isShard(result)) data.push(wireShard(result));
        else errors.push(result);
      }
      return { status: 202, body: { data, errors } };
    }),
  ];
  return routes;
}

const isShard = (v: ShardState | Record<string, string>): v is ShardState => 'status' in v && 'transport' in v;

function updateShard(ctx: HubContext, conduit: ConduitState, entry: unknown): ShardState | Record<string, string> {
  const id = isRecord(entry) && typeof entry.id === 'string' ? entry.id : '';
  const shard = conduit.shards.find((s) => s.id === id);
  if (!shard || !isRecord(entry) || !isRecord(entry.transport)) {
    return { id, message: 'shard not found or transport missing', code: 'not_found' };
  }
  const t = entry.transport;
  if (t.method === 'websocket') {
    const session = typeof t.session_id === 'string' ? ctx.sessions.get(t.session_id) : undefined;
    if (!session || session.status === 'closed') {
      return { id, message: 'websocket session not found or disconnected', code: 'websocket_session_not_found' };
    }
    shard.transport = { method: 'websocket', session_id: session.id, connected_at: session.connectedAt };
    shard.status = 'enabled';
    return shard;
  }
  if (t.method === 'webhook' && typeof t.callback === 'string' && typeof t.secret === 'string') {
    if (!/^https?:\/\//.test(t.callback)) return { id, message: 'invalid callback', code: 'invalid_parameter' };
    if (t.secret.length < 10 || t.secret.length > 100) {
      return { id, message: 'secret must be 10 to 100 characters', code: 'invalid_parameter' };
    }
    // As Twitch: a webhook shard takes no events until its callback has answered the challenge.
    shard.transport = { method: 'webhook', callback: t.callback, secret: t.secret };
    shard.status = 'webhook_callback_verification_pending';
    ctx.verifyShard(conduit, shard);
    return shard;
  }
  return { id, message: 'invalid transport', code: 'invalid_transport' };
}
