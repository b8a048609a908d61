import { isResponse, paginate } from '../http/pagination.js';
import { helixError, type MockRequest, type MockResponse } from '../http/route.js';
import type { World } from '../state/world.js';

/** `{ data }` with 200. */
export function ok(data: unknown, extra: Record<string, unknown> = {}): MockResponse {
  return { status: 200, body: { data, ...extra } };
}

export const noContent: MockResponse = { status: 204 };

/** A page of `items` as Twitch answers lists (with `total` when asked). */
export function page<T>(items: readonly T[], req: MockRequest, extra?: Record<string, unknown>): MockResponse {
  const result = paginate(items, req.query);
  if (isResponse(result)) return result;
  return { status: 200, body: { ...(extra ?? {}), data: result.data, pagination: result.pagination } };
}

/** Twitch's 400 when an id names no user. */
export function unknownUser(world: World, id: string, name: string): MockResponse | undefined {
  return world.userExists(id) ? undefined : helixError(400, `Invalid ${name}: ${id}`);
}

/** Twitch refuses a user token that is not the broadcaster's (401 with this message). */
export function mustBe(req: MockRequest, id: string, param: string): MockResponse | undefined {
  if (req.auth?.kind === 'user' && req.auth.userId === id) return undefined;
  return helixError(401, `The ${param} query parameter must match the user ID in the access token.`);
}

/** The moderator must be the broadcaster or one of their moderators, and the token's user. */
export function mustModerate(world: World, req: MockRequest, b: string, moderatorId: string): MockResponse | undefined {
  const mismatch = mustBe(req, moderatorId, 'moderator_id');
  if (mismatch) return mismatch;
  if (moderatorId === b) return undefined;
  const mods = world.truth<Array<{ user_id: string }>>(`moderators:${b}`);
  return mods.some((m) => m.user_id === moderatorId)
    ? undefined
    : helixError(403, 'The user in moderator_id is not one of the broadcaster\u2019s moderators.');
}

/** The query's (validated, required) parameter. */
export function q(req: MockRequest, name: string): string {
  return req.query.get(name) ?? '';
}

/**
 * A JSON object body. The dispatcher has already parsed it with the operation's zod schema (generated from the spec),
 * so every field present has its declared type; routes add only Twitch's semantic checks (bounds, uniqueness).
 */
export function bodyOf(req: MockRequest): Record<string, unknown> {
  const b = req.body;
  return b && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : {};
}

/**
 * The broadcaster a call acts for (`broadcaster_id` from the query, or from the body for the writes that carry it
 * there), with Twitch's 401 in `refused` when the token is not that broadcaster's.
 */
export function ownerOf(req: MockRequest, from: 'query' | 'body' = 'query'): { b: string; refused?: MockResponse } {
  const b = from === 'query' ? q(req, 'broadcaster_id') : String(bodyOf(req).broadcaster_id ?? '');
  return { b, refused: mustBe(req, b, 'broadcaster_id') };
}

/** `broadcaster_id` and `moderator_id` from the query, with the refusal when the token's user may not moderate. */
export function moderatorOf(world: World, req: MockRequest): { b: string; m: string; refused?: MockResponse } {
  const b = q(req, 'broadcaster_id');
  const m = q(req, 'moderator_id');
  return { b, m, refused: mustModerate(world, req, b, m) };
}

/** The rows whose `field` is one of the repeated query parameter `param`; all rows when it is absent. */
export function filterBy<T>(list: readonly T[], req: MockRequest, param = 'id', field = 'id'): readonly T[] {
  const wanted = req.query.getAll(param);
  if (wanted.length === 0) return list;
  return list.filter((row) => wanted.includes(String((row as Record<string, unknown>)[field])));
}
