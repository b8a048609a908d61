import { type HelixRoute, helixError, type MockRequest, type MockResponse } from '../http/route.js';
import { createReward, deleteReward, type RewardInput, updateReward } from '../ops/rewardOps.js';
import type { Row } from '../state/wireTypes.js';
import type { World } from '../state/world.js';
import { bodyOf, filterBy, noContent, ok, ownerOf, q } from './routeHelpers.js';

/** Checks a reward body beyond its types (checked by the spec schema): bounds, unique title. */
function check(world: World, b: string, req: MockRequest, exceptId?: string): RewardInput | MockResponse {
  const body = bodyOf(req);
  const input = body as RewardInput;
  if (input.title !== undefined && (input.title.length === 0 || input.title.length > 45)) {
    return helixError(400, 'The title must be 1 to 45 characters');
  }
  if (input.cost !== undefined && !(Number.isInteger(input.cost) && input.cost >= 1)) {
    return helixError(400, 'The cost must be at least 1');
  }
  if (input.prompt !== undefined && input.prompt.length > 200) return helixError(400, 'The prompt is too long');
  const title = input.title?.toLowerCase();
  if (
    title &&
    world.truth<Row[]>(`rewards:${b}`).some((r) => r.id !== exceptId && String(r.title).toLowerCase() === title)
  ) {
    return helixError(400, 'CREATE_CUSTOM_REWARD_DUPLICATE_REWARD');
  }
  return input;
}

const isError = (v: unknown): v is MockResponse => typeof v === 'object' && v !== null && 'status' in v;

/** channel_points/custom_rewards: GET, POST, PATCH, DELETE (the broadcaster's own token). */
export function rewardsRoutes(world: World): HelixRoute[] {
  const path = '/channel_points/custom_rewards';
  return [
    {
      method: 'GET',
      path,
      token: 'user',
      scopes: ['channel:read:redemptions', 'channel:manage:redemptions'],
      handle(req) {
        const { b, refused } = ownerOf(req);
        if (refused) return refused;
        return ok(filterBy(world.read<Row[]>(`rewards:${b}`)?.state ?? [], req));
      },
    },
    {
      method: 'POST',
      path,
      token: 'user',
      scopes: ['channel:manage:redemptions'],
      handle(req) {
        const { b, refused } = ownerOf(req);
        if (refused) return refused;
        if (world.truth<Row[]>(`rewards:${b}`).length >= 50) {
          return helixError(400, 'CREATE_CUSTOM_REWARD_TOO_MANY_REWARDS');
        }
        const input = check(world, b, req);
        if (isError(input)) return input;
        return ok([createReward(world, b, input, 'api')]);
      },
    },
    {
      method: 'PATCH',
      path,
      token: 'user',
      scopes: ['channel:manage:redemptions'],
      handle(req) {
        const { b, refused } = ownerOf(req);
        if (refused) return refused;
        const id = q(req, 'id');
        if (!world.truth<Row[]>(`rewards:${b}`).some((r) => r.id === id)) return helixError(404, 'Reward not found');
        const input = check(world, b, req, id);
        if (isError(input)) return input;
        return ok([updateReward(world, b, id, input, 'api')]);
      },
    },
    {
      method: 'DELETE',
      path,
      token: 'user',
      scopes: ['channel:manage:redemptions'],
      handle(req): MockResponse {
        const { b, refused } = ownerOf(req);
        if (refused) return refused;
        return deleteReward(world, b, q(req, 'id'), 'api') ? noContent : helixError(404, 'Reward not found');
      },
    },
  ];
}
