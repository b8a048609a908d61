import type { TokenStore } from '../auth/tokenStore.js';
import { MockStateError } from '../errors.js';
import { helixOperations } from '../generated/helixOperations.js';
import type { MockLogger } from '../logger.js';
import type { HelixOperation } from '../validation/helixOperation.js';
import { validateRequest } from '../validation/validateRequest.js';
import type { RateLimiter } from './rateLimiter.js';
import { type AuthContext, type HelixRoute, helixError, type MockRequest, type MockResponse } from './route.js';

/** What the dispatcher learned about a request, for the request log. */
export interface DispatchResult {
  response: MockResponse;
  auth?: AuthContext;
  /** Rate-limit headers to send (absent when the request never reached the limiter). */
  rateLimitHeaders?: Record<string, string>;
}

function routeKey(method: string, path: string): string {
  return `${method} ${path}`;
}

function bearer(headers: MockRequest['headers']): string | undefined {
  const raw = headers.authorization;
  const value = Array.isArray(raw) ? raw[0] : raw;
  const match = /^Bearer\s+(\S+)$/i.exec(value ?? '');
  return match?.[1];
}

function header(headers: MockRequest['headers'], name: string): string | undefined {
  const raw = headers[name];
  return Array.isArray(raw) ? raw[0] : raw;
}

/**
 * Helix requests, in Twitch's order: unknown route (404), token and Client-Id (401), rate limit (429), token kind
 * and scopes (401), the spec's parameter and body rules (400), then the stateful route or the spec's example.
 */
export class HelixDispatcher {
  readonly #routes = new Map<string, HelixRoute>();
  readonly #operations = new Map<string, HelixOperation>();
  readonly #paths = new Set<string>();
  readonly #tokens: TokenStore;
  readonly #limiter: RateLimiter;
  readonly #logger: MockLogger | undefined;

  constructor(tokens: TokenStore, limiter: RateLimiter, logger?: MockLogger) {
    this.#tokens = tokens;
    this.#limiter = limiter;
    this.#logger = logger;
    for (const op of helixOperations) {
      this.#operations.set(routeKey(op.method, op.path), op);
      this.#paths.add(op.path);
    }
  }

  /** Adds (or replaces) stateful routes. */
  mount(routes: readonly HelixRoute[]): void {
    for (const route of routes) {
      this.#routes.set(routeKey(route.method, route.path), route);
      this.#paths.add(route.path);
    }
  }

  /** Operations of the spec that no stateful route serves (answered with the spec's example). */
  unimplemented(): string[] {
    return [...this.#operations.keys()].filter((k) => !this.#routes.has(k));
  }

  /** Every answer carries rate-limit headers; refusals before the limiter show the anonymous bucket untouched. */
  async dispatch(req: MockRequest, bodyError?: MockResponse): Promise<DispatchResult> {
    const result = await this.#dispatch(req, bodyError);
    return result.rateLimitHeaders ? result : { ...result, rateLimitHeaders: this.#limiter.peek('anonymous') };
  }

  async #dispatch(req: MockRequest, bodyError?: MockResponse): Promise<DispatchResult> {
    const key = routeKey(req.method, req.path);
    const route = this.#routes.get(key);
    const op = this.#operations.get(key);
    if (!route && !op) return { response: helixError(404, 'Not Found') };
    const tokenKind = route?.token ?? op?.token ?? 'app-or-user';

    let auth: AuthContext | undefined;
    if (tokenKind !== 'none') {
      const token = bearer(req.headers);
      if (!token) return { response: helixError(401, 'OAuth token is missing') };
      const clientId = header(req.headers, 'client-id');
      if (tokenKind === 'extension-jwt') {
        // Extension JWTs are signed by the extension's secret, which the emulator does not hold: accept any.
        if (!clientId) return { response: helixError(401, 'Client ID is missing') };
      } else {
        auth = this.#tokens.lookup(token);
        if (!auth) return { response: helixError(401, 'Invalid OAuth token') };
        if (!clientId) return { response: helixError(401, 'Client ID is missing') };
        if (clientId !== auth.clientId) {
          return { response: helixError(401, 'Client ID and OAuth token do not match'), auth };
        }
      }
    }
    const limitKey = auth?.token ?? 'anonymous';
    const verdict = this.#limiter.take(limitKey);
    const rateLimitHeaders = verdict.headers;
    const done = (response: MockResponse): DispatchResult => ({ response, auth, rateLimitHeaders });
    if (!verdict.allowed) return done(helixError(429, 'Too Many Requests'));

    if (auth) {
      if (tokenKind === 'user' && auth.kind !== 'user') {
        return done(helixError(401, 'This endpoint requires a user access token'));
      }
      if (tokenKind === 'app' && auth.kind !== 'app') {
        return done(helixError(401, 'This endpoint requires an app access token'));
      }
      // A stateful route owns its scope rule (EventSub's depends on the subscription type); the spec's list is for
      // the operations answered from examples.
      const scopes = route ? (route.scopes ?? []) : (op?.scopes ?? []);
      if (auth.kind === 'user' && scopes.length > 0 && !scopes.some((s) => auth?.scopes.includes(s))) {
        return done(helixError(401, `Missing scope: ${scopes.join(' or ')}`));
      }
    }
    if (bodyError) return done(bodyError);
    if (op) {
      const invalid = validateRequest(op, req.query, req.body);
      if (invalid) return done(invalid);
    }
    const withAuth: MockRequest = auth ? { ...req, auth } : req;
    if (route) {
      try {
        return done(await route.handle(withAuth));
      } catch (err) {
        // A route that met an id the emulator does not know refuses the request as Twitch does (400); a state
        // change is only committed after every check, so nothing was written.
        if (err instanceof MockStateError) return done(helixError(400, err.message));
        this.#logger?.error('helix route threw', { method: req.method, path: req.path, error: String(err) });
        return done(helixError(500, 'Internal Server Error'));
      }
    }
    const status = op?.successStatus ?? 200;
    return done(status === 204 || op?.example === undefined ? { status } : { status, body: op.example });
  }
}
