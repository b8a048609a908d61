import { type Clock, type Logger, silentLogger, systemClock } from '../http/environment.js';
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
  /** When `/validate` cannot be reached, trust the token and try again after this long, in ms (default 60 s). */
  retryAfterFailureMs?: number | undefined;
  logger?: Logger | undefined;
}

/** What validation concluded: Twitch's view of a valid token, `undefined` for an invalid one, or `unverified`. */
export type ValidationOutcome = TokenInfo | undefined | 'unverified';

interface Entry {
  validatedAt: number;
  pending: Promise<ValidationOutcome> | undefined;
  info: ValidationOutcome;
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
  readonly #retryAfterFailure: number;
  readonly #logger: Logger;
  readonly #entries = new Map<string, Entry>();

  constructor(options: TokenValidatorOptions) {
    this.#oauth = options.oauth;
    this.#clock = options.clock ?? systemClock;
    this.#interval = options.intervalMs ?? 3_600_000;
    this.#max = options.maxTokens ?? 10_000;
    this.#retryAfterFailure = options.retryAfterFailureMs ?? 60_000;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Number of validations made so far (for tests and metrics). */
  validations = 0;

  /**
   * Resolves with what Twitch knows of the token, or `undefined` when it is invalid. Answers from memory while the
   * last validation is younger than the interval. When `/validate` cannot be reached (network, 5xx) the token is
   * trusted (`'unverified'`: Helix itself will say if it is not) and validation is tried again a minute later, so
   * an OAuth outage never blocks Helix calls.
   */
  check(token: AccessToken): Promise<ValidationOutcome> {
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
      // Shared by every caller waiting on it, so no caller's signal may cancel it (it has its own time limit).
      .validate(token.accessToken)
      .then(
        (info): ValidationOutcome => {
          current.info = info;
          current.validatedAt = this.#clock.now();
          return info;
        },
        (error: unknown): ValidationOutcome => {
          this.#logger.warn('token validation unavailable', { code: (error as { code?: string }).code });
          current.info = 'unverified';
          current.validatedAt = this.#clock.now() - this.#interval + this.#retryAfterFailure;
          return 'unverified';
        },
      )
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
