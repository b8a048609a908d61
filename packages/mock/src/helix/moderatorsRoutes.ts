import { type HelixRoute, helixError, type MockRequest, type MockResponse } from '../http/route.js';
import { addRole, hasRole, isBanned, removeRole } from '../ops/communityOps.js';
import type { UserRef } from '../state/wireTypes.js';
import type { World } from '../state/world.js';
import { filterBy, mustBe, noContent, ownerOf, page, q, unknownUser } from './routeHelpers.js';

type RoleKind = 'moderators' | 'vips';

/** GET of a role list, filtered by repeated `user_id`. */
function listRole(world: World, kind: RoleKind, req: MockRequest): MockResponse {
  const { b, refused } = ownerOf(req);
  if (refused) return refused;
  return page(filterBy(world.read<UserRef[]>(`${kind}:${b}`)?.state ?? [], req, 'user_id', 'user_id'), req);
}

/** POST/DELETE of a role: Twitch's 400/422 for the states that forbid it. */
function changeRole(world: World, kind: RoleKind, req: MockRequest, add: boolean): MockResponse {
  const b = q(req, 'broadcaster_id');
  const u = q(req, 'user_id');
  const refused = mustBe(req, b, 'broadcaster_id') ?? unknownUser(world, u, 'user_id');
  if (refused) return refused;
  if (add) {
    if (isBanned(world, b, u)) return helixError(400, 'The user is banned from the channel.');
    if (hasRole(world, kind, b, u))
      return helixError(kind === 'vips' ? 422 : 400, `The user is already one of the ${kind}.`);
    if (kind === 'moderators' && hasRole(world, 'vips', b, u))
      return helixError(422, 'The user is a VIP; remove the VIP status first.');
    if (kind === 'vips' && hasRole(world, 'moderators', b, u)) return helixError(422, 'The user is a moderator.');
    addRole(world, kind, b, u, 'api');
  } else {
    if (!hasRole(world, kind, b, u))
      return helixError(kind === 'vips' ? 422 : 400, `The user is not one of the ${kind}.`);
    removeRole(world, kind, b, u, 'api');
  }
  return noContent;
}

/** moderation/moderators and channels/vips: GET, POST, DELETE. */
export function roleRoutes(world: World): HelixRoute[] {
  const routes: HelixRoute[] = [];
  for (const [kind, path, read, manage] of [
    [
      'moderators',
      '/moderation/moderators',
      ['moderation:read', 'channel:manage:moderators'],
      'channel:manage:moderators',
    ],
    ['vips', '/channels/vips', ['channel:read:vips', 'channel:manage:vips'], 'channel:manage:vips'],
  ] as const) {
    routes.push(
      { method: 'GET', path, token: 'user', scopes: read, handle: (req) => listRole(world, kind, req) },
      { method: 'POST', path, token: 'user', scopes: [manage], handle: (req) => changeRole(world, kind, req, true) },
      { method: 'DELETE', path, token: 'user', scopes: [manage], handle: (req) => changeRole(world, kind, req, false) },
    );
  }
  return routes;
}
