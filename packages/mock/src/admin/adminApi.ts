import type { z } from 'zod';
import type { AdminHandler } from '../http/mockHttpServer.js';
import { helixError, type MockResponse } from '../http/route.js';
import type { MockServer } from '../mockServer.js';
import type { ResourceKind } from '../state/lagPolicy.js';
import { adminBodies, parseAdminBody } from '../wire/adminBodies.js';

/** What the admin API reads beyond the handle. */
export interface AdminDeps {
  handle: MockServer;
  lagSnapshot(): unknown;
  rateLimit(): unknown;
  delivery(): unknown;
  deviceCodes(): unknown;
  unimplemented(): string[];
}

const json = (body: unknown, status = 200): MockResponse => ({ status, body });

/**
 * `/admin/...`: the handle over HTTP, for apps that run the emulator as a separate process. Bodies are parsed with
 * the schemas of `wire/adminBodies.ts`; a body that does not match is refused with 400 naming the field.
 * - `GET /` urls, client, app token, users, settings; `GET /history?key=`; `GET|DELETE /requests`
 * - `POST /tokens {userId, scopes?, expiresInSeconds?}`; `POST /tokens/expire {accessToken}`; `POST /users {login}`
 * - `POST /external/<method> {args: [...]}` calls `mock.external.<method>(...args)`
 * - `PUT /lag {kind, minMs, maxMs}`; `PUT /stream-flap {windowMs, probability, afterOffline?}`; `PUT /rate-limit {limit, windowMs}`
 * - `PUT /events {delayMs, dropRate, duplicateRate, reorderRate}`
 * - `POST /faults {path?, pathPattern?, method?, status?, ...}` -> `{id}`; `DELETE /faults[/<id>]`
 * - `POST /devices/approve {userCode, userId?}`; `POST /devices/deny {userCode}`;
 *   `PUT /devices {lifetimeSeconds?, intervalSeconds?}` (codes issued from now on)
 * - `GET /eventsub/sessions`, `GET /eventsub/subscriptions`, `POST /eventsub/emit {type, condition?, event?}`,
 *   `POST /eventsub/sessions/<id>/<drop|silence|unsilence|reconnect|close> {code?}`
 */
export function createAdminHandler(deps: AdminDeps): AdminHandler {
  const faultRemovers = new Map<number, () => void>();
  let nextFault = 1;
  return async (method, path, query, rawBody) => {
    const h = deps.handle;
    const parts = path.split('/').filter(Boolean);
    /** Runs `then` with the parsed body, or answers the 400 naming the field (nothing changes). */
    const withBody = <S extends z.ZodType>(schema: S, then: (body: z.infer<S>) => MockResponse): MockResponse => {
      const parsed = parseAdminBody(schema, rawBody);
      return parsed.ok ? then(parsed.value) : parsed.response;
    };
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
            deviceCodes: deps.deviceCodes(),
            exampleOnlyOperations: deps.unimplemented(),
          });
        case 'GET /history':
          return json({ data: h.history(query.get('key') ?? undefined) });
        case 'GET /requests':
          return json({ data: h.requests() });
        case 'DELETE /requests':
          h.clearRequests();
          return { status: 204 };
        case 'POST /tokens':
          if (parts[1] === 'expire') {
            return withBody(adminBodies.expireToken, (b) => json({ expired: h.expireToken(b.accessToken) }));
          }
          return withBody(adminBodies.createToken, (b) =>
            json(h.createUserToken({ userId: b.userId, scopes: b.scopes, expiresInSeconds: b.expiresInSeconds })),
          );
        case 'POST /users':
          return withBody(adminBodies.addUser, (b) => json(h.addUser(b.login, b.displayName)));
        case 'POST /external': {
          const name = parts[1] ?? '';
          const fn = (h.external as unknown as Record<string, unknown>)[name];
          if (typeof fn !== 'function') return helixError(404, `No external change named ${name}`);
          return withBody(adminBodies.external, (b) => {
            const args = Array.isArray(b) ? b : (b.args ?? []);
            return json({ data: (fn as (...a: unknown[]) => unknown)(...args) ?? null });
          });
        }
        case 'PUT /lag':
          return withBody(adminBodies.lag, (b) => {
            h.setLag((b.kind ?? '*') as ResourceKind | '*', { minMs: b.minMs, maxMs: b.maxMs });
            return json({ lag: deps.lagSnapshot() });
          });
        case 'PUT /stream-flap':
          return withBody(adminBodies.streamFlap, (b) => {
            h.setStreamFlap({ windowMs: b.windowMs, probability: b.probability, afterOffline: b.afterOffline });
            return json({ lag: deps.lagSnapshot() });
          });
        case 'PUT /rate-limit':
          return withBody(adminBodies.rateLimit, (b) => {
            h.setRateLimit({
              ...(b.limit !== undefined ? { limit: b.limit } : {}),
              ...(b.windowMs !== undefined ? { windowMs: b.windowMs } : {}),
            });
            return json({ rateLimit: deps.rateLimit() });
          });
        case 'PUT /events':
          return withBody(adminBodies.events, (b) => {
            h.setEventDelivery({
              ...(b.delayMs ? { delayMs: { min: b.delayMs.min, max: b.delayMs.max } } : {}),
              ...(b.dropRate !== undefined ? { dropRate: b.dropRate } : {}),
              ...(b.duplicateRate !== undefined ? { duplicateRate: b.duplicateRate } : {}),
              ...(b.reorderRate !== undefined ? { reorderRate: b.reorderRate } : {}),
            });
            return json({ eventDelivery: deps.delivery() });
          });
        case 'POST /faults':
          return withBody(adminBodies.fault, (b) => {
            const { pathPattern, path: exact, ...spec } = b;
            const path = pathPattern !== undefined ? new RegExp(pathPattern) : exact;
            const id = nextFault++;
            faultRemovers.set(id, h.faults.inject({ ...spec, ...(path ? { path } : {}) }));
            return json({ id });
          });
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
          if (parts[1] === 'approve') {
            return withBody(adminBodies.approveDevice, (b) =>
              json({ approved: h.authorizeDevice(b.userCode, b.userId) }),
            );
          }
          if (parts[1] === 'deny') {
            return withBody(adminBodies.denyDevice, (b) => json({ denied: h.denyDevice(b.userCode) }));
          }
          break;
        case 'PUT /devices':
          return withBody(adminBodies.deviceCodes, (b) => {
            h.setDeviceCodes(b);
            return json({ deviceCodes: deps.deviceCodes() });
          });
        case 'GET /eventsub':
          if (parts[1] === 'sessions') return json({ data: h.eventsub.sessions() });
          if (parts[1] === 'subscriptions') return json({ data: h.eventsub.subscriptions() });
          break;
        case 'POST /eventsub':
          return eventsubAction(h, parts, rawBody);
      }
      return helixError(404, 'Not Found');
    } catch (err) {
      return helixError(400, err instanceof Error ? err.message : 'Bad Request');
    }
  };
}

function eventsubAction(h: MockServer, parts: string[], rawBody: unknown): MockResponse {
  const hub = h.eventsub;
  if (parts[1] === 'emit') {
    const parsed = parseAdminBody(adminBodies.emit, rawBody);
    if (!parsed.ok) return parsed.response;
    const { type, condition, event } = parsed.value;
    return json({ delivered: hub.emitExample(type, { condition: condition ?? {}, event: event ?? {} }) });
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
      case 'close': {
        const parsed = parseAdminBody(adminBodies.closeSession, rawBody);
        if (!parsed.ok) return parsed.response;
        hub.closeSocket(id, parsed.value.code ?? 4000);
        break;
      }
      default:
        return helixError(404, 'Not Found');
    }
    return { status: 204 };
  }
  return helixError(404, 'Not Found');
}
