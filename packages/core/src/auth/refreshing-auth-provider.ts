import { inspect } from 'node:util';
import type { Dispatcher } from 'undici';
import { AuthError, ConfigurationError } from '../errors.js';
import { type Clock, type Logger, silentLogger, systemClock } from '../http/environment.js';
import { AppTokenProvider } from './app-token-provider.js';
import {
  type AccessToken,
  type AuthProvider,
  createAccessToken,
  hideSecretsFromInspect,
  type TokenRequest,
} from './auth-provider.js';
import { Listeners } from './listeners.js';
import { OAuthClient } from './oauth-client.js';

/** A user's tokens as the app stores them (and as `onRefresh` hands them back to persist). */
export interface UserTokenData {
  /** The user the tokens belong to. */
  userId: string;
  /** The current access token. */
  accessToken: string;
  /** The refresh token (Twitch may rotate it on every refresh: persist the newest). */
  refreshToken: string;
  /** ms since epoch; `undefined` when unknown (then only a 401 triggers a refresh). */
  expiresAt?: number | undefined;
  /** The scopes granted, when known. */
  scopes?: readonly string[] | undefined;
}

/** Events of {@link RefreshingAuthProvider}. */
export type RefreshingAuthProviderEvents = {
  /** New tokens for a user: persist them (the old refresh token may no longer work). */
  refresh: (data: UserTokenData) => unknown;
  /** A refresh failed: the user must authorize again. */
  refreshFailed: (userId: string, error: AuthError) => unknown;
};

/** Options of {@link RefreshingAuthProvider}. */
export interface RefreshingAuthProviderOptions {
  /** The app's client id. */
  clientId: string;
  /** Needed to refresh tokens of confidential clients and for app tokens. */
  clientSecret?: string | undefined;
  /** Default `https://id.twitch.tv/oauth2`. */
  oauthBaseUrl?: string | undefined;
  /** The undici dispatcher of OAuth requests. Default: a keep-alive Agent of its own. */
  dispatcher?: Dispatcher | undefined;
  /** The clock expiry is measured with. Default: `Date.now`. */
  clock?: Clock | undefined;
  /** Where refreshes and their failures are logged. Default: nowhere. */
  logger?: Logger | undefined;
  /** Refresh this long before expiry, in ms (default 60 s). */
  refreshMarginMs?: number | undefined;
  /** Called with a user's new tokens after every refresh (awaited before the refreshed token is used). */
  onRefresh?: ((data: UserTokenData) => void | Promise<void>) | undefined;
  /** The user whose token serves calls that name none (default: the first user added). */
  defaultUserId?: string | undefined;
}

interface UserEntry {
  data: UserTokenData;
  token: AccessToken;
  refreshing: Promise<AccessToken> | undefined;
}

/**
 * User tokens that refresh themselves: before expiry, and once after a 401. However many calls wait on the same
 * user, one refresh runs at a time; its result is handed to `onRefresh` and to `refresh` listeners so the app can
 * persist the rotated tokens. App tokens (for app-token endpoints, or app-or-user endpoints with no user) come from
 * the client credentials grant when a client secret is given.
 */
export class RefreshingAuthProvider implements AuthProvider {
  readonly clientId: string;
  readonly #oauth: OAuthClient;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #margin: number;
  readonly #onRefresh: RefreshingAuthProviderOptions['onRefresh'];
  readonly #users = new Map<string, UserEntry>();
  readonly #events: Listeners<RefreshingAuthProviderEvents>;
  readonly #app: AppTokenProvider | undefined;
  #defaultUserId: string | undefined;

  constructor(options: RefreshingAuthProviderOptions) {
    if (!options.clientId) throw new ConfigurationError('RefreshingAuthProvider: `clientId` is required');
    this.clientId = options.clientId;
    this.#oauth = new OAuthClient({
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      oauthBaseUrl: options.oauthBaseUrl,
      dispatcher: options.dispatcher,
    });
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#margin = options.refreshMarginMs ?? 60_000;
    this.#onRefresh = options.onRefresh;
    this.#defaultUserId = options.defaultUserId;
    this.#events = new Listeners((error) =>
      this.#logger.error('a refresh listener failed', { error: error instanceof Error ? error.message : 'unknown' }),
    );
    this.#app = options.clientSecret
      ? new AppTokenProvider({
          clientId: options.clientId,
          clientSecret: options.clientSecret,
          oauth: this.#oauth,
          clock: this.#clock,
        })
      : undefined;
  }

  /** Adds (or replaces) a user's tokens. */
  addUser(data: UserTokenData): void {
    if (!data.userId || !data.accessToken || !data.refreshToken) {
      throw new ConfigurationError('addUser: `userId`, `accessToken` and `refreshToken` are required');
    }
    this.#users.set(data.userId, { data: { ...data }, token: this.#toAccessToken(data), refreshing: undefined });
    this.#defaultUserId ??= data.userId;
  }

  /** Forgets a user. */
  removeUser(userId: string): void {
    this.#users.delete(userId);
    if (this.#defaultUserId === userId) this.#defaultUserId = this.#users.keys().next().value;
  }

  /** Whether the provider holds tokens for the user. */
  hasUser(userId: string): boolean {
    return this.#users.has(userId);
  }

  /** Subscribes to `refresh` or `refreshFailed`; returns the unsubscribe function. */
  on<E extends 'refresh' | 'refreshFailed'>(event: E, listener: RefreshingAuthProviderEvents[E]): () => void {
    return this.#events.on(event, listener);
  }

  async getAccessToken(request: TokenRequest): Promise<AccessToken> {
    if (request.tokenType === 'extension-jwt') {
      throw new AuthError('this endpoint needs an extension JWT: use a provider that signs them');
    }
    const wantsApp =
      request.tokenType === 'app' ||
      (request.tokenType === 'app-or-user' && request.userId === undefined && this.#defaultUserId === undefined);
    if (wantsApp) {
      if (!this.#app) throw new AuthError('an app token is needed and no client secret was given');
      return this.#app.getAccessToken(request);
    }
    const userId = request.userId ?? this.#defaultUserId;
    const entry = userId === undefined ? undefined : this.#users.get(userId);
    if (!entry) throw new AuthError(userId === undefined ? 'no user token available' : `no token for user ${userId}`);
    const expiresAt = entry.token.expiresAt;
    if (expiresAt !== undefined && expiresAt - this.#margin <= this.#clock.now()) return this.#refresh(entry);
    return entry.token;
  }

  async refreshAfterUnauthorized(rejected: AccessToken): Promise<AccessToken | undefined> {
    if (rejected.tokenType === 'app') return this.#app?.refreshAfterUnauthorized(rejected);
    const entry = rejected.userId === undefined ? undefined : this.#users.get(rejected.userId);
    if (!entry) return undefined;
    // Another call already replaced the rejected token: use the new one, do not refresh again.
    if (entry.token.fingerprint !== rejected.fingerprint) return entry.refreshing ?? entry.token;
    return this.#refresh(entry);
  }

  /** Refreshes a user's token now (single-flight). */
  refreshUser(userId: string): Promise<AccessToken> {
    const entry = this.#users.get(userId);
    if (!entry) return Promise.reject(new AuthError(`no token for user ${userId}`));
    return this.#refresh(entry);
  }

  /** Closes the OAuth connections. */
  async close(): Promise<void> {
    await this.#oauth.close();
  }

  /** Shows the client id and the users, never a token. */
  [inspect.custom](): string {
    return `RefreshingAuthProvider { clientId: '${this.clientId}', users: [${[...this.#users.keys()].join(', ')}] }`;
  }

  #refresh(entry: UserEntry): Promise<AccessToken> {
    entry.refreshing ??= this.#doRefresh(entry).finally(() => {
      entry.refreshing = undefined;
    });
    return entry.refreshing;
  }

  async #doRefresh(entry: UserEntry): Promise<AccessToken> {
    const userId = entry.data.userId;
    let issued: Awaited<ReturnType<OAuthClient['refresh']>>;
    try {
      issued = await this.#oauth.refresh(entry.data.refreshToken);
    } catch (error) {
      const authError =
        error instanceof AuthError
          ? error
          : new AuthError(`refreshing the token of user ${userId} failed`, { cause: error });
      this.#logger.warn('token refresh failed', { userId, code: authError.code });
      this.#events.emit('refreshFailed', userId, authError);
      throw authError;
    }
    const data: UserTokenData = {
      userId,
      accessToken: issued.accessToken,
      refreshToken: issued.refreshToken ?? entry.data.refreshToken,
      expiresAt: issued.expiresIn === undefined ? undefined : this.#clock.now() + issued.expiresIn * 1000,
      scopes: issued.scopes.length > 0 ? issued.scopes : entry.data.scopes,
    };
    entry.data = data;
    entry.token = this.#toAccessToken(data);
    this.#logger.debug('token refreshed', { userId });
    if (this.#onRefresh) {
      try {
        await this.#onRefresh(shareable(data));
      } catch (error) {
        this.#logger.error('onRefresh failed', { userId, error: error instanceof Error ? error.message : 'unknown' });
      }
    }
    this.#events.emit('refresh', shareable(data));
    return entry.token;
  }

  #toAccessToken(data: UserTokenData): AccessToken {
    return createAccessToken({
      accessToken: data.accessToken,
      tokenType: 'user',
      userId: data.userId,
      scopes: data.scopes,
      expiresAt: data.expiresAt,
    });
  }
}

/** A copy of a user's tokens for the app, printed with `***` for the tokens. */
function shareable(data: UserTokenData): UserTokenData {
  return hideSecretsFromInspect({ ...data }, ['accessToken', 'refreshToken']);
}
