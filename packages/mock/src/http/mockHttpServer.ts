import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { OAuthServer } from '../auth/oauthServer.js';
import type { Clock } from '../clock.js';
import type { World } from '../state/world.js';
import { parseJson, readBody } from './bodyReader.js';
import type { FaultRegistry, FaultSpec } from './faults.js';
import type { HelixDispatcher } from './helixDispatcher.js';
import { queryRecord, type RequestLog } from './requestLog.js';
import { helixError, type MockRequest, type MockResponse } from './route.js';
import { sendResponse } from './sendResponse.js';

/** The admin API's handler: `/admin/<path>`. */
export type AdminHandler = (
  method: string,
  path: string,
  query: URLSearchParams,
  body: unknown,
) => Promise<MockResponse>;

/** What the HTTP server routes to. */
export interface MockHttpDeps {
  clock: Clock;
  world: World;
  helix: HelixDispatcher;
  oauth: OAuthServer;
  admin: AdminHandler;
  faults: FaultRegistry;
  log: RequestLog;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One node:http server for everything: `/helix` and `/mock`, `/oauth2` and `/auth`, `/admin`, and `/ws`. */
export function createMockHttpServer(deps: MockHttpDeps): Server {
  const server = createServer((req, res) => {
    handle(deps, req, res).catch(() => sendResponse(res, helixError(500, 'Internal Server Error')));
  });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/ws') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    try {
      deps.upgrade(req, socket, head);
    } catch {
      socket.destroy();
    }
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  return server;
}

function prefixOf(path: string): { area: 'helix' | 'oauth' | 'admin' | 'other'; sub: string } {
  for (const [prefix, area] of [
    ['/helix', 'helix'],
    ['/mock', 'helix'],
    ['/oauth2', 'oauth'],
    ['/auth', 'oauth'],
    ['/admin', 'admin'],
  ] as const) {
    if (path === prefix || path.startsWith(`${prefix}/`)) return { area, sub: path.slice(prefix.length) || '/' };
  }
  // Twurple's mock mode (like Twitch CLI's EventSub mock) calls EventSub routes without any prefix.
  if (path.startsWith('/eventsub/')) return { area: 'helix', sub: path };
  return { area: 'other', sub: path };
}

async function handle(deps: MockHttpDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const at = deps.clock.now();
  const method = (req.method ?? 'GET').toUpperCase();
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
  const { area, sub } = prefixOf(path);
  const read = await readBody(req);
  if (!read.ok && read.reason === 'aborted') return;

  if (area === 'admin') {
    const parsed = read.ok ? parseJson(read.text) : { ok: false as const };
    const response = parsed.ok
      ? await deps.admin(method, sub, url.searchParams, parsed.value)
      : helixError(read.ok ? 400 : 413, read.ok ? 'Invalid JSON body' : 'Request body too large');
    sendResponse(res, response);
    return;
  }

  const fault = area === 'other' ? undefined : deps.faults.take(method, path, sub);
  if (fault?.latencyMs) await sleep(fault.latencyMs);
  let response: MockResponse;
  let userId: string | undefined;
  let clientId: string | undefined;
  let served: Array<{ key: string; version: number }> | undefined;
  if (fault?.status !== undefined && fault.malformed === undefined && fault.afterServing !== true) {
    response = helixError(fault.status, reasonFor(fault));
  } else if (area === 'oauth') {
    response = oauthRequest(deps, method, sub, url.searchParams, req, read);
  } else if (area === 'helix') {
    const result = await helixRequest(deps, method, sub, url.searchParams, req, read);
    response = result.response;
    userId = result.userId;
    clientId = result.clientId;
    served = result.served;
  } else {
    response = helixError(404, 'Not Found');
  }
  if (fault?.status !== undefined && fault.malformed === undefined && fault.afterServing === true) {
    response = helixError(fault.status, reasonFor(fault));
    served = undefined;
  }
  if (fault?.omitRateLimitHeaders && response.headers) {
    const { 'ratelimit-limit': _l, 'ratelimit-remaining': _r, 'ratelimit-reset': _s, ...rest } = response.headers;
    response = { ...response, headers: rest };
  }
  if (area !== 'other') {
    deps.log.add({
      at,
      method,
      path,
      query: queryRecord(url.searchParams),
      status: response.status,
      ...(userId ? { userId } : {}),
      ...(clientId ? { clientId } : {}),
      ...(served && served.length > 0 ? { served } : {}),
    });
  }
  if (fault?.answerDelayMs) await sleep(fault.answerDelayMs);
  sendResponse(res, response, fault);
}

function reasonFor(fault: FaultSpec): string {
  return fault.status === 429 ? 'Too Many Requests' : 'Injected fault';
}

function oauthRequest(
  deps: MockHttpDeps,
  method: string,
  sub: string,
  query: URLSearchParams,
  req: IncomingMessage,
  read: Awaited<ReturnType<typeof readBody>>,
): MockResponse {
  if (!read.ok) return { status: 413, body: { status: 413, message: 'Request body too large' } };
  const params = new URLSearchParams(query);
  const contentType = String(req.headers['content-type'] ?? '');
  if (read.text.trim() !== '') {
    if (contentType.includes('json')) {
      const parsed = parseJson(read.text);
      if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) {
        return { status: 400, body: { status: 400, message: 'Invalid JSON body' } };
      }
      for (const [k, v] of Object.entries(parsed.value)) if (v !== undefined && v !== null) params.set(k, String(v));
    } else {
      for (const [k, v] of new URLSearchParams(read.text)) params.set(k, v);
    }
  }
  const auth = req.headers.authorization;
  return deps.oauth.handle(method, sub, params, auth);
}

async function helixRequest(
  deps: MockHttpDeps,
  method: string,
  sub: string,
  query: URLSearchParams,
  req: IncomingMessage,
  read: Awaited<ReturnType<typeof readBody>>,
): Promise<{
  response: MockResponse;
  userId?: string;
  clientId?: string;
  served?: Array<{ key: string; version: number }>;
}> {
  let body: unknown;
  let bodyError: MockResponse | undefined;
  if (!read.ok) bodyError = helixError(413, 'Request body too large');
  else {
    const parsed = parseJson(read.text);
    if (parsed.ok) body = parsed.value;
    else bodyError = helixError(400, 'Invalid JSON body');
  }
  const request: MockRequest = { method, path: sub, query, body, headers: req.headers };
  deps.world.served = [];
  const pending = deps.helix.dispatch(request, bodyError);
  const served = deps.world.served;
  deps.world.served = undefined;
  const result = await pending;
  const headers = { ...result.rateLimitHeaders, ...result.response.headers };
  return {
    response: { ...result.response, headers },
    userId: result.auth?.userId,
    clientId: result.auth?.clientId,
    served,
  };
}
