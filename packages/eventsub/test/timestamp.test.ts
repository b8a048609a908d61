/** Message timestamps are read to the microsecond: changes within one millisecond keep their order. */
import { timestampMs } from '@twitchify/eventsub';
import { expect, it } from 'vitest';

it('reads the fraction of a millisecond of an RFC 3339 timestamp with nanoseconds', () => {
  const base = Date.parse('2026-11-27T05:00:00.123Z');
  expect(timestampMs('2026-11-27T05:00:00.123456789Z')).toBeCloseTo(base + 0.456789, 3);
  expect(timestampMs('2026-11-27T05:00:00.123250Z')).toBeCloseTo(base + 0.25, 3);
  // Date.parse sees these two as equal; their order is kept
  const a = timestampMs('2026-11-27T05:00:00.123100000Z');
  const b = timestampMs('2026-11-27T05:00:00.123900000Z');
  expect(Date.parse('2026-11-27T05:00:00.123100000Z')).toBe(Date.parse('2026-11-27T05:00:00.123900000Z'));
  expect(a).toBeLessThan(b);
});

it('reads whole seconds, milliseconds, offsets and more than nine digits', () => {
  expect(timestampMs('2026-11-27T05:00:00Z')).toBe(Date.parse('2026-11-27T05:00:00Z'));
  expect(timestampMs('2026-11-27T05:00:00.5Z')).toBe(Date.parse('2026-11-27T05:00:00.500Z'));
  expect(timestampMs('2026-11-27T07:00:00.000+02:00')).toBe(Date.parse('2026-11-27T05:00:00Z'));
  expect(timestampMs('2026-11-27T05:00:00.1234567891234Z')).toBeCloseTo(
    Date.parse('2026-11-27T05:00:00.123Z') + 0.456789,
    3,
  );
});

it('is NaN for what is not a timestamp', () => {
  for (const bad of ['', 'yesterday', '2026-11-27', '2026-11-27T05:00:00', '2026-13-45T99:00:00Z']) {
    expect(timestampMs(bad)).toBeNaN();
  }
});
