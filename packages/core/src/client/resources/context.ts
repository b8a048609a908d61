/** What every cached resource namespace shares: the cache core, the Helix groups, the clock and who reads. */
import { ValidationError } from '../../errors.js';
import type { HelixClient } from '../../helix/helix-client.js';
import type { ResourceCache } from '../resource-cache.js';

export interface ResourceContext {
  readonly rc: ResourceCache;
  readonly helix: HelixClient;
  readonly clock: { now(): number };
  /** The Client's user (the token's owner), once known. */
  readonly userId: () => string | undefined;
}

const ID = /^[0-9A-Za-z_-]{1,64}$/;

/** Refuses an id argument before any request, naming the argument. */
export function checkId(name: string, value: unknown): string {
  if (typeof value !== 'string' || !ID.test(value)) {
    throw new ValidationError(
      'argument',
      name,
      `must be a Twitch id (1 to 64 letters, digits, _ or -), got ${shownArgument(value)}`,
    );
  }
  return value;
}

/**
 * A refused argument as an error message shows it: strings quoted and cut short, other values by their type (an
 * object's own `toString` is never called: it may throw, or print what it holds).
 */
export function shownArgument(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (value === null || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'undefined') {
    return String(value);
  }
  return Array.isArray(value) ? 'an array' : `a value of type ${typeof value}`;
}

/** The first item of a `{ data: [...] }` answer, or null. */
export function first<T>(answer: { readonly data: readonly T[] }): T | null {
  return answer.data[0] ?? null;
}
