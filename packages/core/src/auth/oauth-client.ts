import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import { AuthError, redactSecrets } from '../errors.js';
import { createDefaultDispatcher, transportError } from '../http/transport.js';
import { hideSecretsFromInspect } from './auth-provider.js';
import { DeviceCodeResponseWire, OAuthErrorWire, TokenResponseWire, ValidateResponseWire } from './oauth-wire.js';

/** Default OAuth base URL (Twitch's). */
export const TWITCH_OAUTH_URL = 'https://id.twitch.tv/oauth2';

/** Options of {@link OAuthClient}. */
export interface OAuthClientOptions {
  /** The app's client id. */
  clientId: string;
  /** Needed for the authorization-code, refresh (confidential clients) and client-credentials grants. */
  clientSecret?: string | undefined;
  /** Default `https://id.twitch.tv/oauth2`. */
  oauthBaseUrl?: string | undefined;
  /** Default: a keep-alive undici Agent owned by this client (closed by `close()`). */
  dispatcher?: Dispatcher | undefined;
  /** Time limit of one OAuth request in ms (default 10,000). */
  timeoutMs?: number | undefined;
}

/** A token as the OAuth server issued it, in public form. */
export interface IssuedToken {
  /** The access token. */
  accessToken: string;
  /** The refresh token, for grants that issue one (not client credentials). */
  refreshToken?: string | undefined;
  /** Seconds from issue. */
  expiresIn?: number | undefined;
  /** The scopes granted (may be fewer than asked for). */
  scopes: string[];
}

/** Twitch's answer to a device authorization request (`POST /device`), with its wire names. */
export interface DeviceAuthorization {
  /** The code the app polls `/token` with. */
  device_code: string;
  /** The code the user types at `verification_uri`. */
  user_code: string;
  /** Where the user goes to enter `user_code`. */
  verification_uri: string;
  /** Seconds until both codes expire. */
  expires_in: number;
  /** Seconds to wait between two polls. */
  interval: number;
}

/** What `/validate` says of a token. */
export interface TokenInfo {
  /** The client id the token was issued to. */
  clientId: string;
  /** The user's login; absent for app tokens. */
  login?: string | undefined;
  /** The user's id; absent for app tokens. */
  userId?: string | undefined;
  /** The scopes the token holds. */
  scopes: string[];
  /** Seconds until it expires. */
  expiresIn: number;
}

/** An answer of the OAuth server that was not a success; `error` is Twitch's message. */
interface OAuthFailure {
  status: number;
  message: string;
}

/**
 * A thin client of Twitch's OAuth server (`/token`, `/validate`, `/device`, `/revoke`). Every failure becomes an
 * {@link AuthError} whose message never holds a token or the client secret.
 */
export class OAuthClient {
  /** The app's client id sent with every request. */
  readonly clientId: string;
  readonly #clientSecret: string | undefined;
  readonly #base: URL;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #timeoutMs: number;

  constructor(options: OAuthClientOptions) {
    this.clientId = options.clientId;
    this.#clientSecret = options.clientSecret;
    this.#base = new URL(options.oauthBaseUrl ?? TWITCH_OAUTH_URL);
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher = options.dispatcher ?? createDefaultDispatcher(4);
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** Base URL of the OAuth server, e.g. for building the authorize URL. */
  get baseUrl(): string {
    return this.#base.toString().replace(/\/$/, '');
  }

  /** Whether a client secret was given. */
  get hasSecret(): boolean {
    return this.#clientSecret !== undefined;
  }

  /** Exchanges an authorization code for tokens. */
  exchangeCode(code: string, redirectUri: string, signal?: AbortSignal): Promise<IssuedToken> {
    return this.#grant(
      { grant_type: 'authorization_code', code, redirect_uri: redirectUri, ...this.#secret() },
      signal,
    );
  }

  /** Uses a refresh token (which Twitch may rotate). */
  refresh(refreshToken: string, signal?: AbortSignal): Promise<IssuedToken> {
    return this.#grant({ grant_type: 'refresh_token', refresh_token: refreshToken, ...this.#secret() }, signal);
  }

  /** Gets an app access token (client credentials grant). */
  clientCredentials(signal?: AbortSignal): Promise<IssuedToken> {
    if (!this.#clientSecret) throw new AuthError('the client credentials grant needs a client secret');
    return this.#grant({ grant_type: 'client_credentials', ...this.#secret() }, signal);
  }

  /** Starts the device code flow. */
  async deviceCode(scopes: readonly string[], signal?: AbortSignal): Promise<DeviceAuthorization> {
    const answer = await this.#post('/device', { client_id: this.clientId, scopes: scopes.join(' ') }, signal);
    if ('message' in answer)
      throw new AuthError(`device authorization failed: ${answer.message}`, { status: answer.status });
    return parse(DeviceCodeResponseWire, answer.body, 'device');
  }

  /**
   * Polls the device code grant once: the tokens, or Twitch's pending/denied/expired message as a failure.
   * @internal used by the device code flow
   */
  async pollDeviceCode(
    deviceCode: string,
    scopes: readonly string[],
    signal?: AbortSignal,
  ): Promise<IssuedToken | OAuthFailure> {
    const answer = await this.#post(
      '/token',
      {
        client_id: this.clientId,
        device_code: deviceCode,
        scopes: scopes.join(' '),
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      },
      signal,
    );
    if ('message' in answer) return answer;
    return issuedTokenOf(answer.body);
  }

  /** Validates a token: what Twitch knows of it, or `undefined` when it is invalid (401). */
  async validate(accessToken: string, signal?: AbortSignal): Promise<TokenInfo | undefined> {
    const { status, body } = await this.#send(
      'GET',
      '/validate',
      { authorization: `OAuth ${accessToken}` },
      undefined,
      signal,
    );
    if (status === 401) return undefined;
    if (status !== 200) throw new AuthError(`token validation failed with ${status}`, { status });
    const info = parse(ValidateResponseWire, body, 'validate');
    return {
      clientId: info.client_id,
      login: info.login,
      userId: info.user_id,
      scopes: info.scopes ?? [],
      expiresIn: info.expires_in,
    };
  }

  /** Revokes an access token. */
  async revoke(accessToken: string, signal?: AbortSignal): Promise<void> {
    const answer = await this.#post('/revoke', { client_id: this.clientId, token: accessToken }, signal);
    if ('message' in answer) throw new AuthError(`revoke failed: ${answer.message}`, { status: answer.status });
  }

  /** Closes the dispatcher if this client created it. */
  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  #secret(): Record<string, string> {
    return this.#clientSecret
      ? { client_id: this.clientId, client_secret: this.#clientSecret }
      : { client_id: this.clientId };
  }

  async #grant(form: Record<string, string>, signal?: AbortSignal): Promise<IssuedToken> {
    const answer = await this.#post('/token', form, signal);
    if ('message' in answer) {
      throw new AuthError(`token request (${form.grant_type}) failed: ${answer.message}`, { status: answer.status });
    }
    return issuedTokenOf(answer.body);
  }

  async #post(
    path: string,
    form: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<{ body: unknown } | OAuthFailure> {
    const { status, body } = await this.#send(
      'POST',
      path,
      { 'content-type': 'application/x-www-form-urlencoded' },
      new URLSearchParams(form).toString(),
      signal,
    );
    if (status >= 200 && status < 300) return { body };
    // the OAuth server (or a proxy) may echo what it was sent: hide the secrets of the form by value
    const secrets = [this.#clientSecret, form.refresh_token, form.code, form.token, form.device_code];
    return { status, message: oauthFailureMessage(status, body, secrets) };
  }

  async #send(
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    body: string | undefined,
    signal?: AbortSignal,
  ): Promise<{ status: number; body: unknown }> {
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const url = new URL(this.#base.pathname.replace(/\/$/, '') + path, this.#base);
    try {
      const response = await this.#dispatcher.request({
        origin: url.origin,
        path: url.pathname,
        method,
        headers,
        body,
        signal: combined,
        // Never sooner than the signal: a dispatcher shared with Helix may carry shorter limits of its own.
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs,
      });
      const text = await response.body.text();
      let json: unknown;
      try {
        json = text.length > 0 ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: response.statusCode, body: json };
    } catch (error) {
      const mapped = transportError(error, { method, path: `oauth2${path}`, signal }, this.#timeoutMs, timeout);
      throw new AuthError(`OAuth request ${path} failed: ${mapped.message}`, {
        cause: mapped,
        secrets: [this.#clientSecret],
      });
    }
  }
}

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new AuthError(
      `unexpected ${what} answer from the OAuth server (field \`${issue?.path.join('.') || 'body'}\`)`,
    );
  }
  return result.data;
}

/** The tokens of a 2xx token answer's body; an `AuthError` naming the field when it is not a token answer. */
export function issuedTokenOf(body: unknown): IssuedToken {
  return toIssued(parse(TokenResponseWire, body, 'token'));
}

/** The message of an OAuth error answer (Twitch's `message` or `error`, else the status), `secrets` hidden. */
export function oauthFailureMessage(status: number, body: unknown, secrets: readonly (string | undefined)[]): string {
  const error = OAuthErrorWire.safeParse(body);
  const message = error.success ? (error.data.message ?? error.data.error ?? `status ${status}`) : `status ${status}`;
  return redactSecrets(message, secrets);
}

function toIssued(wire: TokenResponseWire): IssuedToken {
  const scopes = wire.scope === undefined ? [] : Array.isArray(wire.scope) ? wire.scope : wire.scope.split(' ');
  const issued: IssuedToken = {
    accessToken: wire.access_token,
    refreshToken: wire.refresh_token,
    expiresIn: wire.expires_in,
    scopes,
  };
  // Enumerable so the app can persist it with JSON.stringify; hidden from util.inspect and console.log.
  hideSecretsFromInspect(issued, ['accessToken', 'refreshToken']);
  return issued;
}
