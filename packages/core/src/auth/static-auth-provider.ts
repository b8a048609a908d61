import { AuthError, ConfigurationError } from '../errors.js';
import { type AccessToken, type AuthProvider, createAccessToken, type TokenRequest } from './auth-provider.js';

/** Options of {@link StaticAuthProvider}. */
export interface StaticAuthProviderOptions {
  /** The app's client id (sent as `Client-Id`). */
  clientId: string;
  /** The token to send on every call. */
  accessToken: string;
  /** Whether it is a user or an app token (default `'user'`). */
  tokenType?: 'user' | 'app' | undefined;
  /** The user it belongs to, when known (calls `asUser` another user are refused). */
  userId?: string | undefined;
  /** The scopes the token holds, when known. */
  scopes?: readonly string[] | undefined;
}

/** Hands out one fixed token; it never refreshes, so a 401 reaches the caller as an `AuthError`. */
export class StaticAuthProvider implements AuthProvider {
  readonly clientId: string;
  readonly #token: AccessToken;

  constructor(options: StaticAuthProviderOptions) {
    if (!options.clientId) throw new ConfigurationError('StaticAuthProvider: `clientId` is required');
    if (!options.accessToken) throw new ConfigurationError('StaticAuthProvider: `accessToken` is required');
    this.clientId = options.clientId;
    this.#token = createAccessToken({
      accessToken: options.accessToken,
      tokenType: options.tokenType ?? 'user',
      userId: options.userId,
      scopes: options.scopes,
    });
  }

  async getAccessToken(request: TokenRequest): Promise<AccessToken> {
    const token = this.#token;
    if (request.userId !== undefined && token.userId !== undefined && request.userId !== token.userId) {
      throw new AuthError(`no token for user ${request.userId}`);
    }
    if (request.tokenType === 'user' && token.tokenType === 'app') {
      throw new AuthError('this endpoint needs a user token and the provider holds an app token');
    }
    return token;
  }
}
