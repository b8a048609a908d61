import type { Clock } from '../clock.js';
import type { MockResponse } from '../http/route.js';
import type { Random } from '../random.js';
import type { DeviceCodes } from './deviceCodes.js';
import type { TokenStore } from './tokenStore.js';

/** The OAuth client the emulator knows. */
export interface OAuthClient {
  clientId: string;
  clientSecret: string;
}

/** What the OAuth server needs from the emulator. */
export interface OAuthDeps {
  client: OAuthClient;
  tokens: TokenStore;
  devices: DeviceCodes;
  clock: Clock;
  random: Random;
  allScopes: readonly string[];
  /** Base of the OAuth server, to build the device verification URI. */
  oauthBase: () => string;
  defaultUserId: () => string;
  userExists(id: string): boolean;
  userLogin(id: string): string | undefined;
}

interface CodeGrant {
  clientId: string;
  userId: string;
  scopes: string[];
  redirectUri: string;
}

/** Twitch's OAuth error body: `{ status, message }`. */
function oauthError(status: number, message: string): MockResponse {
  return { status, body: { status, message } };
}

function scopesOf(raw: string | null): string[] {
  return (raw ?? '').split(/[ +]/).filter(Boolean);
}

/** `/oauth2/*` (also served as `/auth/*`): authorize, token (four grants), device, validate, revoke. */
export class OAuthServer {
  readonly #deps: OAuthDeps;
  readonly #codes = new Map<string, CodeGrant>();

  constructor(deps: OAuthDeps) {
    this.#deps = deps;
  }

  /** `params` merges the query string and a form or JSON body, as Twitch accepts both. */
  handle(method: string, path: string, params: URLSearchParams, authorization: string | undefined): MockResponse {
    switch (`${method} ${path}`) {
      case 'GET /authorize':
        return this.#authorize(params);
      case 'POST /token':
        return this.#token(params);
      case 'POST /device':
        return this.#device(params);
      case 'GET /validate':
        return this.#validate(authorization);
      case 'POST /revoke':
        return this.#revoke(params);
      case 'GET /activate':
      case 'POST /activate':
        return this.#activate(params);
      default:
        return oauthError(404, 'Not Found');
    }
  }

  #checkClient(params: URLSearchParams, needSecret: boolean): MockResponse | undefined {
    const { clientId, clientSecret } = this.#deps.client;
    if (params.get('client_id') !== clientId) return oauthError(400, 'invalid client');
    if (needSecret && params.get('client_secret') !== clientSecret) return oauthError(403, 'invalid client secret');
    return undefined;
  }

  #badScopes(scopes: string[]): MockResponse | undefined {
    const unknown = scopes.find((s) => !this.#deps.allScopes.includes(s));
    return unknown ? oauthError(400, `invalid scope requested: '${unknown}'`) : undefined;
  }

  #authorize(params: URLSearchParams): MockResponse {
    const refused = this.#checkClient(params, false);
    if (refused) return refused;
    const redirectUri = params.get('redirect_uri');
    if (!redirectUri || !URL.canParse(redirectUri)) return oauthError(400, 'Parameter redirect_uri does not match');
    const responseType = params.get('response_type');
    if (responseType !== 'code' && responseType !== 'token') return oauthError(400, 'unsupported response_type');
    const scopes = scopesOf(params.get('scope'));
    const bad = this.#badScopes(scopes);
    if (bad) return bad;
    // The emulator has no login page: the user is `user_id` (or `login`) when given, else the main broadcaster.
    const loginUser = params.get('user_id') ?? this.#deps.defaultUserId();
    if (!this.#deps.userExists(loginUser)) return oauthError(400, 'unknown user');
    const target = new URL(redirectUri);
    const state = params.get('state');
    if (responseType === 'code') {
      const code = this.#deps.random.string(30);
      this.#codes.set(code, { clientId: this.#deps.client.clientId, userId: loginUser, scopes, redirectUri });
      target.searchParams.set('code', code);
      target.searchParams.set('scope', scopes.join(' '));
      if (state !== null) target.searchParams.set('state', state);
    } else {
      const issued = this.#deps.tokens.issueUser(this.#deps.client.clientId, loginUser, scopes);
      const fragment = new URLSearchParams({ access_token: issued.accessToken, scope: scopes.join(' ') });
      fragment.set('token_type', 'bearer');
      if (state !== null) fragment.set('state', state);
      target.hash = fragment.toString();
    }
    return { status: 302, headers: { location: target.toString() } };
  }

  #userTokenBody(issued: { accessToken: string; refreshToken: string; expiresIn: number; scopes: string[] }) {
    return {
      status: 200,
      body: {
        access_token: issued.accessToken,
        refresh_token: issued.refreshToken,
        expires_in: issued.expiresIn,
        scope: issued.scopes,
        token_type: 'bearer',
      },
    };
  }

  #token(params: URLSearchParams): MockResponse {
    const grant = params.get('grant_type');
    const { clientId } = this.#deps.client;
    switch (grant) {
      case 'client_credentials': {
        const refused = this.#checkClient(params, true);
        if (refused) return refused;
        const issued = this.#deps.tokens.issueApp(clientId);
        return {
          status: 200,
          body: { access_token: issued.accessToken, expires_in: issued.expiresIn, token_type: 'bearer' },
        };
      }
      case 'authorization_code': {
        const refused = this.#checkClient(params, true);
        if (refused) return refused;
        const code = params.get('code') ?? '';
        const stored = this.#codes.get(code);
        if (!stored) return oauthError(400, 'Invalid authorization code');
        if (params.get('redirect_uri') !== stored.redirectUri)
          return oauthError(400, 'Parameter redirect_uri does not match registered URI');
        this.#codes.delete(code);
        return this.#userTokenBody(this.#deps.tokens.issueUser(clientId, stored.userId, stored.scopes));
      }
      case 'refresh_token': {
        const refused = this.#checkClient(params, true);
        if (refused) return refused;
        const issued = this.#deps.tokens.refresh(params.get('refresh_token') ?? '', clientId);
        if (!issued) return oauthError(400, 'Invalid refresh token');
        return this.#userTokenBody(issued);
      }
      case 'urn:ietf:params:oauth:grant-type:device_code': {
        const refused = this.#checkClient(params, false);
        if (refused) return refused;
        const poll = this.#deps.devices.poll(params.get('device_code') ?? '', clientId);
        if (poll.status === 'authorized') {
          return this.#userTokenBody(this.#deps.tokens.issueUser(clientId, poll.userId, poll.scopes));
        }
        if (poll.status === 'invalid') return oauthError(400, 'invalid device code');
        return oauthError(400, poll.status);
      }
      default:
        return oauthError(400, 'Invalid grant type');
    }
  }

  #device(params: URLSearchParams): MockResponse {
    const refused = this.#checkClient(params, false);
    if (refused) return refused;
    const scopes = scopesOf(params.get('scopes') ?? params.get('scope'));
    const bad = this.#badScopes(scopes);
    if (bad) return bad;
    const grant = this.#deps.devices.issue(this.#deps.client.clientId, scopes);
    return {
      status: 200,
      body: {
        device_code: grant.deviceCode,
        expires_in: Math.round((grant.expiresAt - this.#deps.clock.now()) / 1000),
        interval: grant.intervalMs / 1000,
        user_code: grant.userCode,
        verification_uri: `${this.#deps.oauthBase()}/activate?device-code=${grant.userCode}`,
      },
    };
  }

  /** The emulator's stand-in for twitch.tv/activate: approves a device code for `user_id` (default users[0]). */
  #activate(params: URLSearchParams): MockResponse {
    const userCode = params.get('device-code') ?? params.get('user_code') ?? '';
    const userId = params.get('user_id') ?? this.#deps.defaultUserId();
    if (!this.#deps.userExists(userId)) return oauthError(400, 'unknown user');
    if (!this.#deps.devices.approve(userCode, userId)) return oauthError(400, 'invalid device code');
    return { status: 200, body: { status: 200, message: 'device authorized', user_id: userId } };
  }

  #validate(authorization: string | undefined): MockResponse {
    const match = /^(?:OAuth|Bearer)\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) return oauthError(401, 'missing authorization token');
    const ctx = this.#deps.tokens.lookup(match[1]!);
    if (!ctx) return oauthError(401, 'invalid access token');
    const expiresIn = Math.max(0, Math.floor((ctx.expiresAt - this.#deps.clock.now()) / 1000));
    if (ctx.kind === 'app')
      return { status: 200, body: { client_id: ctx.clientId, scopes: [], expires_in: expiresIn } };
    return {
      status: 200,
      body: {
        client_id: ctx.clientId,
        login: this.#deps.userLogin(ctx.userId ?? '') ?? '',
        scopes: ctx.scopes,
        user_id: ctx.userId,
        expires_in: expiresIn,
      },
    };
  }

  #revoke(params: URLSearchParams): MockResponse {
    const clientId = params.get('client_id') ?? '';
    if (clientId !== this.#deps.client.clientId) return oauthError(404, 'client does not exist');
    const outcome = this.#deps.tokens.revoke(params.get('token') ?? '', clientId);
    if (outcome === 'unknown') return oauthError(400, 'Invalid token');
    if (outcome === 'other-client') return oauthError(400, 'Invalid token');
    return { status: 200 };
  }
}
