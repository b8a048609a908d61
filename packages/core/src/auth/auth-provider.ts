import { createHash } from 'node:crypto';
import { inspect } from 'node:util';

/** The kind of token an endpoint accepts, as Twitch documents it. */
export type TokenType = 'app' | 'user' | 'app-or-user' | 'extension-jwt' | 'none';

/** What the Helix client asks of an {@link AuthProvider} for one request. */
export interface TokenRequest {
  /** The kind of token the endpoint accepts. */
  readonly tokenType: TokenType;
  /** The user on whose behalf the call is made; the provider's default user when absent. */
  readonly userId?: string | undefined;
  /** Scopes the endpoint lists (any one suffices). */
  readonly scopes: readonly string[];
  /** Aborts the wait for the token. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * An access token as a provider hands it out. Build one with {@link createAccessToken} so that the token string
 * stays out of `util.inspect`, `JSON.stringify` and logs.
 */
export interface AccessToken {
  /** The bearer token itself. Never log it. */
  readonly accessToken: string;
  /** Whether it is an app access token or a user access token. */
  readonly tokenType: 'app' | 'user';
  /** The user it belongs to (user tokens), when known. */
  readonly userId?: string | undefined;
  /** Scopes granted, when known. */
  readonly scopes?: readonly string[] | undefined;
  /** Expiry in ms since epoch, when known. */
  readonly expiresAt?: number | undefined;
  /** A stable non-secret identifier of the token (a truncated hash), used to key rate-limit buckets. */
  readonly fingerprint: string;
}

/**
 * Where the Helix client gets its tokens. Implement it to plug in any token store; the static, refreshing and
 * app-token providers of this package implement it.
 */
export interface AuthProvider {
  /** The application's client id, sent as `Client-Id`. */
  readonly clientId: string;
  /** A token fit for the request. May refresh first (e.g. when the token is about to expire). */
  getAccessToken(request: TokenRequest): Promise<AccessToken>;
  /**
   * Called when Twitch answered 401 with `rejected`: returns a fresh token (refreshing at most once however many
   * calls report the same rejected token), or `undefined` when no better token can be had.
   */
  refreshAfterUnauthorized?(rejected: AccessToken, request: TokenRequest): Promise<AccessToken | undefined>;
}

/** A short, non-reversible identifier of a token: the first 16 hex digits of its SHA-256. */
export function tokenFingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16);
}

/** Fields of {@link createAccessToken}. */
export interface AccessTokenInit {
  /** The token itself (hidden from `util.inspect` and `JSON.stringify` once built). */
  accessToken: string;
  /** Whether it is an app token or a user token. */
  tokenType: 'app' | 'user';
  /** The user a user token belongs to, when known. */
  userId?: string | undefined;
  /** The scopes the token was granted, when known. */
  scopes?: readonly string[] | undefined;
  /** When it expires, in ms since epoch; `undefined` when unknown. */
  expiresAt?: number | undefined;
}

/**
 * Builds a frozen {@link AccessToken} whose secret is non-enumerable and hidden from `util.inspect` and
 * `JSON.stringify` (both show `***`).
 */
export function createAccessToken(init: AccessTokenInit): AccessToken {
  const token = {
    tokenType: init.tokenType,
    userId: init.userId,
    scopes: init.scopes ? Object.freeze([...init.scopes]) : undefined,
    expiresAt: init.expiresAt,
    fingerprint: tokenFingerprint(init.accessToken),
  };
  Object.defineProperty(token, 'accessToken', { value: init.accessToken, enumerable: false });
  Object.defineProperty(token, 'toJSON', { value: () => ({ ...token, accessToken: '***' }), enumerable: false });
  Object.defineProperty(token, inspect.custom, {
    value: () =>
      `AccessToken { tokenType: '${token.tokenType}', userId: ${token.userId ?? 'undefined'}, accessToken: '***' }`,
    enumerable: false,
  });
  return Object.freeze(token) as AccessToken;
}

/**
 * Makes `util.inspect` (and so `console.log`) print `***` for the secret fields of an object the app must still be
 * able to read and persist (e.g. tokens handed to `onRefresh`). Returns the same object.
 */
export function hideSecretsFromInspect<T extends object>(value: T, secretKeys: readonly (keyof T)[]): T {
  Object.defineProperty(value, inspect.custom, {
    value: (_depth: number, options: object, inspectFn: typeof inspect) => {
      const shown: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      for (const key of secretKeys) if (shown[key as string] !== undefined) shown[key as string] = '***';
      return inspectFn(shown, options);
    },
    enumerable: false,
  });
  return value;
}
