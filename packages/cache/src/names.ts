import { CacheKeyError } from './errors.js';

/** Longest key, tag or feed name accepted, in UTF-16 code units. */
export const MAX_NAME_LENGTH = 1024;

// Control characters would make logs and redis-cli output ambiguous; everything else is allowed because names
// travel as a length-delimited field (last field of a bus message, a Redis key suffix), never split on a separator.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const FORBIDDEN = /[\u0000-\u001f\u007f]/;

/** Throws a {@link CacheKeyError} naming `field` unless `name` is an acceptable key, tag or feed name. */
export function checkName(field: string, name: unknown): string {
  if (typeof name !== 'string') throw new CacheKeyError(field, `must be a string, got ${typeof name}`);
  if (name.length === 0) throw new CacheKeyError(field, 'must not be empty');
  if (name.length > MAX_NAME_LENGTH) throw new CacheKeyError(field, `longer than ${MAX_NAME_LENGTH} characters`);
  if (FORBIDDEN.test(name)) throw new CacheKeyError(field, 'must not contain control characters');
  return name;
}

/** Checks a list of names and returns it sorted and without duplicates, so equal sets compare equal. */
export function checkNames(field: string, names: readonly string[] | undefined): readonly string[] {
  if (names === undefined || names.length === 0) return EMPTY;
  if (!Array.isArray(names)) throw new CacheKeyError(field, 'must be an array of strings');
  for (let i = 0; i < names.length; i++) checkName(`${field}[${i}]`, names[i]);
  return names.length === 1 ? names : [...new Set(names)].sort();
}

const EMPTY: readonly string[] = Object.freeze([]);
