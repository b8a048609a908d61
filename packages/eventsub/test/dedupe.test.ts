import { MessageDeduper } from '@twitchify/eventsub';
import { expect, it } from 'vitest';

it('drops repeats, forgets by capacity and by age, and holds no timer', () => {
  let now = 0;
  const d = new MessageDeduper({ capacity: 1000, windowMs: 60_000, clock: { now: () => now } });
  expect(d.check('a')).toBe(false);
  expect(d.check('a')).toBe(true);
  for (let i = 0; i < 100_000; i++) d.check(`m${i}`);
  // Bounded memory: never more than the capacity, whatever went through.
  expect(d.size).toBe(1000);
  expect(d.check('m99999')).toBe(true);
  expect(d.check('a')).toBe(false); // evicted by capacity long ago
  now += 61_000;
  d.check('late');
  // Everything older than the window is gone after the next insert.
  expect(d.size).toBe(1);
});
