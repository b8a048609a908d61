/**
 * What the app is told about subscriptions its token cannot have: one notice per cause (a subscription type and
 * the scopes it lacks, or Twitch's reason), naming the scopes to add, the handler that gets no events and the cached
 * reads left TTL-bounded. Warned at `run()` when the token's scopes already show it, and when Twitch refuses; a
 * refusal of a cause already told (for another channel, or after the start warning) is not told again.
 */
import { CATALOG } from '../catalog/entries.js';
import { SubscriptionRefusedError } from '../errors.js';
import { missingScopes } from './subscription-scopes.js';

/** At most this many causes are remembered (a bound, not a limit anyone should reach). */
const MAX_CAUSES = 1000;

export class ScopeNotices {
  readonly #told = new Set<string>();
  readonly #tell: (error: SubscriptionRefusedError) => void;

  /** `tell` hands one notice to the app (the `error` event, or a warning when nobody listens). */
  constructor(tell: (error: SubscriptionRefusedError) => void) {
    this.#tell = tell;
  }

  /**
   * At start: the handler types whose subscriptions the token's scopes cannot allow, told as one notice per type.
   * Returns the types concerned.
   */
  checkHandlers(types: readonly string[], granted: ReadonlySet<string>): string[] {
    const lacking: string[] = [];
    for (const type of types) {
      const missing = missingScopes(type, granted);
      if (missing.length === 0) continue;
      lacking.push(type);
      this.#once(type, missing, undefined, `${type}: the token lacks ${scopeList(missing)}`);
    }
    return lacking;
  }

  /** Twitch refused `feed` (`type@version?condition`) for good with `reason`. */
  refused(feed: string, reason: unknown, granted: ReadonlySet<string> | undefined): void {
    const type = feed.slice(0, feed.indexOf('@'));
    const missing = granted ? missingScopes(type, granted) : [];
    const detail = reason instanceof Error ? reason.message.replace(/^subscription \S+ refused: /, '') : String(reason);
    this.#once(type, missing, detail, missing.length > 0 ? `the token lacks ${scopeList(missing)}` : detail, feed);
  }

  #once(type: string, missing: string[], detail: string | undefined, cause: string, feed?: string): void {
    const key = missing.length > 0 ? `${type}|${missing.join(',')}` : `${type}|${detail}`;
    if (this.#told.has(key)) return;
    if (this.#told.size >= MAX_CAUSES) this.#told.clear();
    this.#told.add(key);
    const reads = CATALOG.filter((e) => e.feeds.some((f) => f.type === type)).map((e) => e.name);
    const handler = type === 'channel.follow' ? '`follow`/`channel.follow`' : `\`${type}\``;
    const parts = [
      cause,
      `${handler} handlers get no events`,
      ...(reads.length > 0 ? [`these reads are TTL-bounded: ${reads.join(', ')}`] : []),
      missing.length > 0
        ? `fix: authorize with ${scopeList(missing)} (the built-in flow asks for the scopes of registered handlers)`
        : 'fix: check that the token may read this channel (a moderator scope is for channels it moderates)',
    ];
    this.#tell(
      new SubscriptionRefusedError(feed ?? type, parts.join('; '), { missingScopes: missing, ttlBoundReads: reads }),
    );
  }
}

function scopeList(missing: readonly string[]): string {
  return `the scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`;
}
