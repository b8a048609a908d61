import type { Clock } from '../http/environment.js';
import { systemClock } from '../http/environment.js';
import type { AccessToken } from './auth-provider.js';
import type { OAuthClient, TokenInfo } from './oauth-client.js';

/** Options of {@link TokenValidator}. */
export interface TokenValidatorOptions {
  oauth: OAuthClient;
  clock?: Clock | undefined;
  /** How often each token is validated again, in ms (default one hour, as Twitch asks). */
  intervalMs?: number | undefined;
  /** Tokens remembered at most (default 10,000); the oldest are forgotten first. */
  maxTokens?: number | undefined;
}

interface Entry {
  validatedAt: number;
  pending: Promise<TokenInfo | undefined> | undefined;
  info: TokenInfo | undefined;
}

/**
 * Validates tokens with Twitch's `/validate`: before a token's first use and then hourly. However many calls
 * start together with the same token, one validation is made. Keyed by fingerprint, never by the token.
 */
export class TokenValidator {
  readonly #oauth: OAuthClient;
  readonly #clock: Clock;
  readonly #interval: number;
  readonly #max: number;
  readonly #entries = new Map<string, Entry>();

  constructor(options: TokenValidatorOptions) {
    this.#oauth = options.oauth;
    this.#clock = options.clock ?? systemClock;
    this.#interval = options.intervalMs ?? 3_600_000;
    this.#max = options.maxTokens ?? 10_000;
  }

  /** Number of validations made so far (for tests and metrics). */
  validations = 0;

  /**
   * Resolves with what Twitch knows of the token, or `undefined` when it is invalid. Answers from memory while the
   * last validation is younger than the interval.
   */
  check(token: AccessToken, signal?: AbortSignal): Promise<TokenInfo | undefined> {
    const now = this.#clock.now();
    let entry = this.#entries.get(token.fingerprint);
    if (entry?.pending) return entry.pending;
    if (entry && now - entry.validatedAt < this.#interval) return Promise.resolve(entry.info);
    if (!entry) {
      if (this.#entries.size >= this.#max) {
        const oldest = this.#entries.keys().next().value;
        if (oldest !== undefined) this.#entries.delete(oldest);
      }
      entry = { validatedAt: 0, pending: undefined, info: undefined };
      this.#entries.set(token.fingerprint, entry);
    }
    const current = entry;
    this.validations++;
    current.pending = this.#oauth
      .validate(token.accessToken, signal)
      .then((info) => {
        current.info = info;
        current.validatedAt = this.#clock.now();
        return info;
      })
      .finally(() => {
        current.pending = undefined;
      });
    return current.pending;
  }

  /** Forgets a token (e.g. after it was replaced). */
  forget(token: AccessToken): void {
    this.#entries.delete(token.fingerprint);
  }
}
