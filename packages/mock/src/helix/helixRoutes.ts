import type { HelixRoute } from '../http/route.js';
import type { World } from '../state/world.js';
import { bansRoutes } from './bansRoutes.js';
import { channelStatsRoutes } from './channelStatsRoutes.js';
import { channelsRoutes } from './channelsRoutes.js';
import { chatMessageRoutes } from './chatMessageRoutes.js';
import { chatRoutes } from './chatRoutes.js';
import { followersRoutes } from './followersRoutes.js';
import { roleRoutes } from './moderatorsRoutes.js';
import { pollsRoutes } from './pollsRoutes.js';
import { rewardsRoutes } from './rewardsRoutes.js';
import { scheduleRoutes } from './scheduleRoutes.js';
import { streamsRoutes } from './streamsRoutes.js';
import { usersRoutes } from './usersRoutes.js';

/** Every Helix route the emulator serves from its state (the rest answer the spec's example). */
export function helixRoutes(world: World): HelixRoute[] {
  return [
    ...usersRoutes(world),
    ...channelsRoutes(world),
    ...streamsRoutes(world),
    ...roleRoutes(world),
    ...followersRoutes(world),
    ...bansRoutes(world),
    ...rewardsRoutes(world),
    ...pollsRoutes(world),
    ...chatRoutes(world),
    ...chatMessageRoutes(world),
    ...channelStatsRoutes(world),
    ...scheduleRoutes(world),
  ];
}
