import { MessageDeduper } from '@twitchify/eventsub';
import { expect, it } from 'vitest';

it('drops repeats, forgets by capacity and by age, and holds no timer', () => {
  let now = 0;
  const d = new MessageDeduper({ capacity: 1000, windowMs: 60_000, clock: { now: () => now } });
  expect(d.check('a')).toBe(false);
  expect(d.check('a')).toBe(true);
  for (let i = 0; i < 100_000; i++) d.check(`m${i}`);
  // Bounded memory: never more than the capacity, whatever went through.
  expect(d.size).toBeLessThanOrEqual(1000);
  expect(d.check('m99999')).toBe(true);
  expect(d.check('a')).toBe(false); // evicted by capacity long ago
  now += 121_000;
  d.check('late');
  // Everything older than the window is gone after the next insert.
  expect(d.size).toBe(1);
});

it('remembers every id for the whole window, however many come', () => {
  let now = 0;
  const d = new MessageDeduper({
    capacity: 1_000_000,
    windowMs: 60_000,
    whenFull: 'refuse',
    clock: { now: () => now },
  });
  for (let i = 0; i < 50_000; i++) {
    now = i; // 50 s of traffic, all inside the window
    expect(d.admit(`m${i}`)).toBe('new');
  }
  now = 59_999;
  expect(d.admit('m0')).toBe('duplicate');
  now = 60_000 + 49_999;
  expect(d.admit('m49999')).toBe('duplicate');
});

it("refuses when full of ids inside the window ('refuse'), and takes new ones once they age out", () => {
  let now = 0;
  const d = new MessageDeduper({ capacity: 10, windowMs: 1000, whenFull: 'refuse', clock: { now: () => now } });
  for (let i = 0; i < 10; i++) expect(d.admit(`a${i}`)).toBe('new');
  expect(d.admit('b')).toBe('full');
  expect(d.admit('a3')).toBe('duplicate');
  now = 2001;
  expect(d.admit('b')).toBe('new');
});
