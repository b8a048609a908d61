import type { AccessToken, AuthProvider, TokenRequest } from '../auth/auth-provider.js';
import type { TokenValidator } from '../auth/token-validator.js';
import { AuthError } from '../errors.js';
import type { HelixRequest, Middleware } from './types.js';

/** Options of {@link authMiddleware}. */
export interface AuthMiddlewareOptions {
  provider: AuthProvider;
  /** Validates each token before first use and hourly; absent: no validation. */
  validator?: TokenValidator | undefined;
}

function withToken(request: HelixRequest, clientId: string, token: AccessToken): HelixRequest {
  return {
    ...request,
    token,
    headers: { ...request.headers, 'client-id': clientId, authorization: `Bearer ${token.accessToken}` },
  };
}

/**
 * Adds `Client-Id` and `Authorization: Bearer` from the provider. A token found invalid by validation, or answered
 * with 401, is replaced once through `provider.refreshAfterUnauthorized` (which single-flights the refresh) and the
 * request is sent again; if no better token can be had the 401 answer goes on (and becomes an `AuthError`).
 */
export function authMiddleware(options: AuthMiddlewareOptions): Middleware {
  const { provider, validator } = options;
  return (next) => async (request) => {
    if (request.auth.tokenType === 'none') {
      return next({ ...request, headers: { ...request.headers, 'client-id': provider.clientId } });
    }
    const tokenRequest: TokenRequest = {
      tokenType: request.auth.tokenType,
      userId: request.auth.userId,
      scopes: request.auth.scopes,
      signal: request.signal,
    };
    let token = await provider.getAccessToken(tokenRequest);
    if (validator) {
      const outcome = await validator.check(token);
      if (outcome === undefined) {
        const fresh = await provider.refreshAfterUnauthorized?.(token, tokenRequest);
        if (!fresh) throw new AuthError('the access token is invalid (validation failed) and cannot be refreshed');
        token = fresh;
      } else if (outcome !== 'unverified' && outcome.clientId !== provider.clientId) {
        throw new AuthError('the access token was issued to another client id than the one configured');
      }
    }
    const response = await next(withToken(request, provider.clientId, token));
    if (response.status !== 401 || !provider.refreshAfterUnauthorized) return response;
    // A missing scope is not cured by a refresh (the new token has the same scopes): let the 401 through.
    if (/missing scope/i.test(response.body)) return response;
    const fresh = await provider.refreshAfterUnauthorized(token, tokenRequest);
    if (!fresh || fresh.fingerprint === token.fingerprint) return response;
    return next(withToken(request, provider.clientId, fresh));
  };
}
