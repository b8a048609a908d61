import type { AccessToken, AuthProvider, TokenRequest } from '../auth/auth-provider.js';
import type { TokenValidator } from '../auth/token-validator.js';
import { AuthError } from '../errors.js';
import type { HelixRawResponse, HelixRequest, Middleware } from './types.js';

/** Options of {@link authMiddleware}. */
export interface AuthMiddlewareOptions {
  provider: AuthProvider;
  /** Validates each token before first use and hourly; absent: no validation. */
  validator?: TokenValidator | undefined;
}

/** The auth headers of each token (requests without headers of their own share them: read-only by contract). */
const tokenHeaders = new WeakMap<AccessToken, Readonly<Record<string, string>>>();

function withToken(request: HelixRequest, clientId: string, token: AccessToken): HelixRequest {
  let headers: Readonly<Record<string, string>>;
  if (isEmpty(request.headers)) {
    let cached = tokenHeaders.get(token);
    if (cached?.['client-id'] !== clientId) {
      cached = { 'client-id': clientId, authorization: `Bearer ${token.accessToken}` };
      tokenHeaders.set(token, cached);
    }
    headers = cached;
  } else {
    headers = { ...request.headers, 'client-id': clientId, authorization: `Bearer ${token.accessToken}` };
  }
  return withFields(request, headers, token);
}

/**
 * A copy of `request` with new headers (and token), built as one literal: a spread of requests of varying shapes is
 * measurably slower on this path, which every call takes.
 */
function withFields(
  request: HelixRequest,
  headers: Readonly<Record<string, string>>,
  token?: AccessToken,
): HelixRequest {
  return {
    method: request.method,
    path: request.path,
    query: request.query,
    body: request.body,
    auth: request.auth,
    headers,
    token: token ?? request.token,
    operation: request.operation,
    signal: request.signal,
  };
}

function isEmpty(o: Readonly<Record<string, string>>): boolean {
  for (const _ in o) return false;
  return true;
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
      return next(withFields(request, { ...request.headers, 'client-id': provider.clientId }));
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
    const response = tagged(await next(withToken(request, provider.clientId, token)), token);
    if (response.status !== 401 || !provider.refreshAfterUnauthorized) return response;
    // A missing scope is not cured by a refresh (the new token has the same scopes): let the 401 through.
    if (/missing scope/i.test(response.body)) return response;
    const fresh = await provider.refreshAfterUnauthorized(token, tokenRequest);
    if (!fresh || fresh.fingerprint === token.fingerprint) return response;
    return tagged(await next(withToken(request, provider.clientId, fresh)), fresh);
  };
}

/** An error answer carries the token it was sent with (see `HelixRawResponse.token`). */
function tagged(response: HelixRawResponse, token: AccessToken): HelixRawResponse {
  return response.status >= 200 && response.status < 300 ? response : { ...response, token };
}
