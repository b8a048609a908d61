import type { Clock } from '../clock.js';
import type { AuthContext } from '../http/route.js';
import type { Random } from '../random.js';

/** A user token as handed out by the emulator. */
export interface IssuedUserToken {
  accessToken: string;
  refreshToken: string;
  /** Seconds. */
  expiresIn: number;
  scopes: string[];
}

interface RefreshGrant {
  clientId: string;
  userId: string;
  scopes: readonly string[];
  accessToken: string;
}

/** Default lifetimes, close to Twitch's. */
export const USER_TOKEN_SECONDS = 14_400;
export const APP_TOKEN_SECONDS = 5_184_000;

/**
 * Every access and refresh token the emulator has issued. Refresh tokens rotate: using one invalidates it and the
 * access token it came with, as Twitch does for public clients and as the SDK must survive.
 */
export class TokenStore {
  readonly #access = new Map<string, AuthContext>();
  readonly #refresh = new Map<string, RefreshGrant>();
  readonly #clock: Clock;
  readonly #random: Random;

  constructor(clock: Clock, random: Random) {
    this.#clock = clock;
    this.#random = random;
  }

  /** The live context of an access token, or undefined when unknown, revoked or expired. */
  lookup(accessToken: string): AuthContext | undefined {
    const ctx = this.#access.get(accessToken);
    if (!ctx || ctx.expiresAt <= this.#clock.now()) return undefined;
    return ctx;
  }

  issueApp(clientId: string, expiresInSeconds = APP_TOKEN_SECONDS): { accessToken: string; expiresIn: number } {
    const token = this.#random.string(30);
    this.#access.set(token, {
      token,
      clientId,
      kind: 'app',
      scopes: [],
      expiresAt: this.#clock.now() + expiresInSeconds * 1000,
    });
    return { accessToken: token, expiresIn: expiresInSeconds };
  }

  issueUser(
    clientId: string,
    userId: string,
    scopes: readonly string[],
    expiresInSeconds = USER_TOKEN_SECONDS,
  ): IssuedUserToken {
    const token = this.#random.string(30);
    const refreshToken = this.#random.string(50);
    this.#access.set(token, {
      token,
      clientId,
      userId,
      kind: 'user',
      scopes: [...scopes],
      expiresAt: this.#clock.now() + expiresInSeconds * 1000,
    });
    this.#refresh.set(refreshToken, { clientId, userId, scopes: [...scopes], accessToken: token });
    return { accessToken: token, refreshToken, expiresIn: expiresInSeconds, scopes: [...scopes] };
  }

  /** Rotates a refresh token: the old pair dies, a new one is issued. Undefined when unknown or of another client. */
  refresh(refreshToken: string, clientId: string): IssuedUserToken | undefined {
    const grant = this.#refresh.get(refreshToken);
    if (!grant || grant.clientId !== clientId) return undefined;
    this.#refresh.delete(refreshToken);
    this.#access.delete(grant.accessToken);
    return this.issueUser(clientId, grant.userId, grant.scopes);
  }

  /** Revokes an access token (and its refresh token). Returns whether it existed for that client. */
  revoke(accessToken: string, clientId: string): 'revoked' | 'unknown' | 'other-client' {
    const ctx = this.#access.get(accessToken);
    if (!ctx) return 'unknown';
    if (ctx.clientId !== clientId) return 'other-client';
    this.#access.delete(accessToken);
    for (const [rt, grant] of this.#refresh) if (grant.accessToken === accessToken) this.#refresh.delete(rt);
    return 'revoked';
  }

  /** Makes a token expire now (for tests of the refresh path). */
  expire(accessToken: string): boolean {
    const ctx = this.#access.get(accessToken);
    if (!ctx) return false;
    this.#access.set(accessToken, { ...ctx, expiresAt: this.#clock.now() });
    return true;
  }

  /** Revokes every token a user granted to a client (Twitch's "disconnect" on twitch.tv). */
  revokeUser(userId: string, clientId?: string): number {
    let n = 0;
    for (const [token, ctx] of this.#access) {
      if (ctx.userId === userId && (!clientId || ctx.clientId === clientId)) {
        this.#access.delete(token);
        n++;
      }
    }
    for (const [rt, grant] of this.#refresh) {
      if (grant.userId === userId && (!clientId || grant.clientId === clientId)) this.#refresh.delete(rt);
    }
    return n;
  }
}
