/**
 * The Client's user auth: the token given to `run()` (refreshed when a refresh token came with it) or an
 * {@link AuthProvider} of the app's own. When Twitch refuses a refresh for good (the refresh token revoked or
 * invalid), authorization is lost: `onLost` fires once, and every later request fails at once with that error
 * instead of asking `/token` again; only a new `run()` (new tokens) brings it back.
 */
import type { AccessToken, AuthProvider, TokenRequest } from '../auth/auth-provider.js';
import { RefreshingAuthProvider } from '../auth/refreshing-auth-provider.js';
import { StaticAuthProvider } from '../auth/static-auth-provider.js';
import { AuthError } from '../errors.js';
import type { Clock, Logger } from '../http/environment.js';
import type { AuthTokens } from './events.js';

/** Statuses of an OAuth answer that no retry cures: the refresh token is invalid, revoked or not this app's. */
const FOR_GOOD = new Set([400, 401, 403]);

/** Whether a failed refresh means the authorization is gone (rather than Twitch or the network failing for now). */
export function refreshFailedForGood(error: unknown): boolean {
  return error instanceof AuthError && error.status !== undefined && FOR_GOOD.has(error.status);
}

/** A token given to `run()`, as validated. */
export interface GivenToken {
  accessToken: string;
  refreshToken?: string | undefined;
  userId: string;
  scopes: string[];
  expiresIn: number;
}

export interface ClientAuthOptions {
  clientId: string;
  clientSecret?: string | undefined;
  oauthBaseUrl?: string | undefined;
  dispatcher?: import('undici').Dispatcher | undefined;
  clock: Clock;
  logger: Logger;
  /** The token `run()` was given, as validated, or the app's own provider. */
  token: GivenToken | AuthProvider;
  /** The Client's user: the token of calls that name no user. */
  userId: string;
  /** New tokens after a refresh. */
  onRefresh(tokens: AuthTokens): void;
  /** The authorization is lost for good. */
  onLost(error: AuthError): void;
}

/** An {@link AuthProvider} that stops asking Twitch once authorization is lost. */
export class ClientAuth implements AuthProvider {
  readonly clientId: string;
  readonly #inner: AuthProvider & { close?: () => Promise<void> };
  #lost: AuthError | undefined;
  #owned = true;
  readonly #userId: string;

  constructor(options: ClientAuthOptions) {
    this.clientId = options.clientId;
    this.#userId = options.userId;
    const t = options.token;
    if (isProvider(t)) {
      // The app's provider refreshes (and persists) by itself; its failures reach the app through it.
      this.#inner = t;
      this.#owned = false;
      return;
    }
    if (!t.refreshToken) {
      this.#inner = new StaticAuthProvider({
        clientId: options.clientId,
        accessToken: t.accessToken,
        userId: t.userId,
        scopes: t.scopes,
      });
      return;
    }
    const clock = options.clock;
    const provider = new RefreshingAuthProvider({
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      oauthBaseUrl: options.oauthBaseUrl,
      dispatcher: options.dispatcher,
      clock,
      logger: options.logger,
      onRefresh: (data) =>
        options.onRefresh({
          accessToken: data.accessToken,
          refreshToken: data.refreshToken,
          expiresIn: data.expiresAt ? Math.round((data.expiresAt - clock.now()) / 1000) : undefined,
          scopes: data.scopes ?? [],
          userId: data.userId,
        }),
    });
    provider.addUser({
      userId: t.userId,
      accessToken: t.accessToken,
      refreshToken: t.refreshToken,
      expiresAt: clock.now() + t.expiresIn * 1000,
      scopes: t.scopes,
    });
    provider.on('refreshFailed', (_userId, error) => {
      if (this.#lost || !refreshFailedForGood(error)) return;
      this.#lost = new AuthError(
        'authorization lost: Twitch refused to refresh the token (revoked or invalid); authorize again and call run() with the new tokens',
        { cause: error, ...(error.status === undefined ? {} : { status: error.status }) },
      );
      options.onLost(this.#lost);
    });
    this.#inner = provider;
  }

  /** The error every request fails with since authorization was lost; `undefined` while authorized. */
  get lost(): AuthError | undefined {
    return this.#lost;
  }

  getAccessToken(request: TokenRequest): Promise<AccessToken> {
    if (this.#lost) return Promise.reject(this.#lost);
    if (request.userId !== undefined || request.tokenType === 'app') return this.#inner.getAccessToken(request);
    return this.#inner.getAccessToken({ ...request, userId: this.#userId });
  }

  async refreshAfterUnauthorized(rejected: AccessToken, request: TokenRequest): Promise<AccessToken | undefined> {
    if (this.#lost) throw this.#lost;
    if (!this.#inner.refreshAfterUnauthorized) return undefined;
    return this.#inner.refreshAfterUnauthorized(rejected, request).catch((error: unknown) => {
      throw this.#lost ?? error;
    });
  }

  /** Closes the provider the Client made; one given by the app stays the app's to close. */
  async close(): Promise<void> {
    if (this.#owned) await this.#inner.close?.();
  }
}

function isProvider(token: GivenToken | AuthProvider): token is AuthProvider {
  return typeof (token as AuthProvider).getAccessToken === 'function';
}
