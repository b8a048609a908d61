import type { Dispatcher } from 'undici';
import { ConfigurationError } from '../errors.js';
import type { Clock } from '../http/environment.js';
import { systemClock } from '../http/environment.js';
import { type AccessToken, type AuthProvider, createAccessToken, type TokenRequest } from './auth-provider.js';
import { OAuthClient } from './oauth-client.js';

/** Options of {@link AppTokenProvider}. */
export interface AppTokenProviderOptions {
  /** The app's client id. */
  clientId: string;
  /** The app's client secret (the client-credentials grant needs it). */
  clientSecret: string;
  /** Default `https://id.twitch.tv/oauth2`. */
  oauthBaseUrl?: string | undefined;
  /** The undici dispatcher of OAuth requests. Default: a keep-alive Agent of its own. */
  dispatcher?: Dispatcher | undefined;
  /** The clock expiry is measured with. Default: `Date.now`. */
  clock?: Clock | undefined;
  /** Fetch a new token this long before expiry, in ms (default 5 minutes). */
  refreshMarginMs?: number | undefined;
  /** Use this OAuth client instead of building one (shares its dispatcher). */
  oauth?: OAuthClient | undefined;
}

/**
 * App access tokens through the client credentials grant: fetched on first use, again before expiry and after a
 * 401; however many calls wait, one request is made at a time.
 */
export class AppTokenProvider implements AuthProvider {
  readonly clientId: string;
  readonly #oauth: OAuthClient;
  readonly #clock: Clock;
  readonly #margin: number;
  #current: AccessToken | undefined;
  #pending: Promise<AccessToken> | undefined;

  constructor(options: AppTokenProviderOptions) {
    if (!options.clientId) throw new ConfigurationError('AppTokenProvider: `clientId` is required');
    if (!options.clientSecret && !options.oauth?.hasSecret)
      throw new ConfigurationError('AppTokenProvider: `clientSecret` is required');
    this.clientId = options.clientId;
    this.#oauth =
      options.oauth ??
      new OAuthClient({
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        oauthBaseUrl: options.oauthBaseUrl,
        dispatcher: options.dispatcher,
      });
    this.#clock = options.clock ?? systemClock;
    this.#margin = options.refreshMarginMs ?? 300_000;
  }

  async getAccessToken(_request?: TokenRequest): Promise<AccessToken> {
    const current = this.#current;
    if (current && (current.expiresAt === undefined || current.expiresAt - this.#margin > this.#clock.now())) {
      return current;
    }
    return this.#fetch();
  }

  async refreshAfterUnauthorized(rejected: AccessToken): Promise<AccessToken | undefined> {
    if (this.#current && this.#current.fingerprint !== rejected.fingerprint) return this.#current;
    return this.#fetch();
  }

  /** Closes the OAuth client's connections. */
  async close(): Promise<void> {
    await this.#oauth.close();
  }

  #fetch(): Promise<AccessToken> {
    if (!this.#pending) {
      this.#pending = (async () => {
        try {
          const issued = await this.#oauth.clientCredentials();
          const token = createAccessToken({
            accessToken: issued.accessToken,
            tokenType: 'app',
            scopes: issued.scopes,
            expiresAt: issued.expiresIn === undefined ? undefined : this.#clock.now() + issued.expiresIn * 1000,
          });
          this.#current = token;
          return token;
        } finally {
          this.#pending = undefined;
        }
      })();
    }
    return this.#pending;
  }
}
