import type { AdminHandler } from '../http/mockHttpServer.js';
import { helixError, type MockResponse } from '../http/route.js';
import type { MockServer } from '../mockServer.js';
import type { ResourceKind } from '../state/lagPolicy.js';

/** What the admin API reads beyond the handle. */
export interface AdminDeps {
  handle: MockServer;
  lagSnapshot(): unknown;
  rateLimit(): unknown;
  delivery(): unknown;
  unimplemented(): string[];
}

const json = (body: unknown, status = 200): MockResponse => ({ status, body });
const record = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * `/admin/...`: the handle over HTTP, for apps that run the emulator as a separate process.
 * - `GET /` urls, client, app token, users, settings; `GET /history?key=`; `GET|DELETE /requests`
 * - `POST /tokens {userId, scopes?, expiresInSeconds?}`; `POST /tokens/expire {accessToken}`; `POST /users {login}`
 * - `POST /external/<method> {args: [...]}` calls `mock.external.<method>(...args)`
 * - `PUT /lag {kind, minMs, maxMs}`; `PUT /stream-flap {windowMs, probability}`; `PUT /rate-limit {limit, windowMs}`
 * - `PUT /events {delayMs, dropRate, duplicateRate, reorderRate}`
 * - `POST /faults {path?, pathPattern?, method?, status?, ...}` -> `{id}`; `DELETE /faults[/<id>]`
 * - `POST /devices/approve {userCode, userId?}`
 * - `GET /eventsub/sessions`, `GET /eventsub/subscriptions`, `POST /eventsub/emit {type, condition?, event?}`,
 *   `POST /eventsub/sessions/<id>/<drop|silence|unsilence|reconnect|close> {code?}`
 */
export function createAdminHandler(deps: AdminDeps): AdminHandler {
  const faultRemovers = new Map<number, () => void>();
  let nextFault = 1;
  return async (method, path, query, rawBody) => {
    const h = deps.handle;
    const body = record(rawBody);
    const parts = path.split('/').filter(Boolean);
    try {
      const route = `${method} /${parts[0] ?? ''}`;
      switch (route) {
        case 'GET /':
          return json({
            urls: h.urls,
            clientId: h.clientId,
            clientSecret: h.clientSecret,
            appToken: h.appToken,
            users: h.users,
            lag: deps.lagSnapshot(),
            rateLimit: deps.rateLimit(),
            eventDelivery: deps.delivery(),
            exampleOnlyOperations: deps.unimplemented(),
          });
        case 'GET /history':
          return json({ data: h.history(query.get('key') ?? undefined) });
        case 'GET /requests':
          return json({ data: h.requests() });
        case 'DELETE /requests':
          h.clearRequests();
          return { status: 204 };
        case 'POST /tokens': {
          if (parts[1] === 'expire') return json({ expired: h.expireToken(String(body.accessToken ?? '')) });
          const scopes = Array.isArray(body.scopes) ? body.scopes.map(String) : undefined;
          const expires = typeof body.expiresInSeconds === 'number' ? body.expiresInSeconds : undefined;
          return json(h.createUserToken({ userId: String(body.userId ?? ''), scopes, expiresInSeconds: expires }));
        }
        case 'POST /users':
          return json(h.addUser(String(body.login ?? ''), str(body.displayName)));
        case 'POST /external': {
          const name = parts[1] ?? '';
          const fn = (h.external as unknown as Record<string, unknown>)[name];
          if (typeof fn !== 'function') return helixError(404, `No external change named ${name}`);
          const args = Array.isArray(rawBody) ? rawBody : Array.isArray(body.args) ? body.args : [];
          return json({ data: (fn as (...a: unknown[]) => unknown)(...args) ?? null });
        }
        case 'PUT /lag':
          h.setLag((str(body.kind) ?? '*') as ResourceKind | '*', {
            minMs: Number(body.minMs),
            maxMs: Number(body.maxMs),
          });
          return json({ lag: deps.lagSnapshot() });
        case 'PUT /stream-flap':
          h.setStreamFlap({ windowMs: Number(body.windowMs), probability: Number(body.probability) });
          return json({ lag: deps.lagSnapshot() });
        case 'PUT /rate-limit':
          h.setRateLimit({
            ...(typeof body.limit === 'number' ? { limit: body.limit } : {}),
            ...(typeof body.windowMs === 'number' ? { windowMs: body.windowMs } : {}),
          });
          return json({ rateLimit: deps.rateLimit() });
        case 'PUT /events':
          h.setEventDelivery(body as never);
          return json({ eventDelivery: deps.delivery() });
        case 'POST /faults': {
          const { pathPattern, ...spec } = body;
          const id = nextFault++;
          const path = typeof pathPattern === 'string' ? new RegExp(pathPattern) : str(spec.path);
          faultRemovers.set(id, h.faults.inject({ ...(spec as object), ...(path ? { path } : {}) }));
          return json({ id });
        }
        case 'DELETE /faults': {
          if (parts[1]) {
            faultRemovers.get(Number(parts[1]))?.();
            faultRemovers.delete(Number(parts[1]));
          } else {
            h.faults.clear();
            faultRemovers.clear();
          }
          return { status: 204 };
        }
        case 'POST /devices':
          return json({ approved: h.authorizeDevice(String(body.userCode ?? ''), str(body.userId)) });
        case 'GET /eventsub':
          if (parts[1] === 'sessions') return json({ data: h.eventsub.sessions() });
          if (parts[1] === 'subscriptions') return json({ data: h.eventsub.subscriptions() });
          break;
        case 'POST /eventsub':
          return eventsubAction(h, parts, body);
      }
      return helixError(404, 'Not Found');
    } catch (err) {
      return helixError(400, err instanceof Error ? err.message : 'Bad Request');
    }
  };
}

function eventsubAction(h: MockServer, parts: string[], body: Record<string, unknown>): MockResponse {
  const hub = h.eventsub;
  if (parts[1] === 'emit') {
    const overrides = { condition: record(body.condition) as Record<string, string>, event: record(body.event) };
    return json({ delivered: hub.emitExample(String(body.type ?? ''), overrides) });
  }
  if (parts[1] === 'sessions' && parts[2]) {
    const id = parts[2];
    switch (parts[3]) {
      case 'drop':
        hub.dropSocket(id);
        break;
      case 'silence':
        hub.silence(id, true);
        break;
      case 'unsilence':
        hub.silence(id, false);
        break;
      case 'reconnect':
        hub.reconnect(id);
        break;
      case 'close':
        hub.closeSocket(id, Number(body.code ?? 4000));
        break;
      default:
        return helixError(404, 'Not Found');
    }
    return { status: 204 };
  }
  return helixError(404, 'Not Found');
}
