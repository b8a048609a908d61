import type { MockResponse } from './route.js';
import { helixError } from './route.js';

/** One page of a list, with Twitch's opaque cursor (`pagination: {}` on the last page). */
export interface Page<T> {
  data: T[];
  pagination: { cursor?: string };
}

function encode(offset: number): string {
  return Buffer.from(JSON.stringify({ a: { Offset: offset } })).toString('base64url');
}

function decode(cursor: string): number | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { a?: { Offset?: unknown } };
    const offset = parsed.a?.Offset;
    return typeof offset === 'number' && Number.isInteger(offset) && offset >= 0 ? offset : undefined;
  } catch {
    return undefined;
  }
}

/** Cuts a page from `items` using `first`, `after` and `before`; a bad cursor is Twitch's 400. */
export function paginate<T>(items: readonly T[], query: URLSearchParams, defaultFirst = 20): Page<T> | MockResponse {
  const first = Number(query.get('first') ?? defaultFirst);
  const after = query.get('after');
  const before = query.get('before');
  let start = 0;
  if (after) {
    const offset = decode(after);
    if (offset === undefined) return helixError(400, 'Invalid cursor');
    start = offset;
  } else if (before) {
    const offset = decode(before);
    if (offset === undefined) return helixError(400, 'Invalid cursor');
    start = Math.max(0, offset - 2 * first);
  }
  const data = items.slice(start, start + first);
  const end = start + data.length;
  return { data, pagination: end < items.length ? { cursor: encode(end) } : {} };
}

export function isResponse(value: unknown): value is MockResponse {
  return typeof value === 'object' && value !== null && 'status' in value && !('data' in value);
}
