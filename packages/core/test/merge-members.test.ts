/** `mergeMembers`: a list pinned about some members, merged with Helix's answer (see pin scopes in the cache). */
import { expect, it } from 'vitest';
import { mergeMembers } from '../src/client/resource-cache.js';

const l = (...ids: string[]) => ids.map((userId) => ({ userId }));

it('takes the members in scope from the pin (present or absent) and every other member from Helix', () => {
  // Helix lags on m (added) and on r (removed), and has x, whose event was lost
  const loaded = l('a', 'r', 'x');
  const pinned = l('a', 'r2', 'm');
  expect(mergeMembers('userId', loaded, pinned, ['m', 'r'])).toEqual(l('a', 'm', 'x'));
  // a pinned member Helix lacks goes after the pinned member before it that Helix has
  expect(mergeMembers('userId', l('a', 'b'), l('a', 'm', 'b'), ['m'])).toEqual(l('a', 'm', 'b'));
  // a member in scope that both have is the pinned one, in Helix's position
  expect(mergeMembers('userId', [{ userId: 'b' }, { userId: 'm', n: 1 }], [{ userId: 'm', n: 2 }], ['m'])).toEqual([
    { userId: 'b' },
    { userId: 'm', n: 2 },
  ]);
  // nothing to merge: Helix's answer as it is
  expect(mergeMembers('userId', l('a', 'm'), l('a', 'm'), ['m'])).toEqual(l('a', 'm'));
  // rewards are named by id
  expect(mergeMembers('id', [{ id: 'r1' }], [{ id: 'r1' }, { id: 'r2' }], ['r2'])).toEqual([
    { id: 'r1' },
    { id: 'r2' },
  ]);
});
