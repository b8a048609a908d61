import { helixOperations, twitchScopes } from '../generated/helixOperations.js';

/** Every scope the spec knows and any Helix operation names, plus chat and EventSub scopes no route lists. */
export const ALL_SCOPES: readonly string[] = [
  ...new Set([
    ...twitchScopes,
    ...helixOperations.flatMap((op) => op.scopes),
    'chat:read',
    'chat:edit',
    'user:read:chat',
    'user:write:chat',
    'user:bot',
    'channel:bot',
    'channel:read:subscriptions',
    'bits:read',
    'moderator:read:followers',
    'user:read:email',
  ]),
].sort();
