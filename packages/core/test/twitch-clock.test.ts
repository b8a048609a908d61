import { describe, expect, it } from 'vitest';
import { TwitchClock } from '../src/client/twitch-clock.js';

describe('TwitchClock', () => {
  it('is the local clock until Twitch has stamped a message', () => {
    const local = { t: 1_000_000, now: () => local.t };
    const clock = new TwitchClock(local);
    expect(clock.now()).toBe(1_000_000);
  });

  it('takes the largest offset the stamps allow, erring early by the smallest delivery delay', () => {
    const local = { t: 1_000_000, now: () => local.t };
    const clock = new TwitchClock(local);
    // Twitch's clock is 2 s behind the local one; deliveries take 80, 20 and 200 ms
    for (const delay of [80, 20, 200]) {
      local.t += 1_000;
      clock.sawTimestamp(local.t - 2_000 - delay);
    }
    expect(clock.offsetMs).toBe(-2_020);
    expect(clock.now()).toBe(local.t - 2_020);
  });

  it('lets an old bound go once it has not been seen for a minute (the local clock was corrected)', () => {
    const local = { t: 0, now: () => local.t };
    const clock = new TwitchClock(local);
    clock.sawTimestamp(5_000); // offset 5 s
    local.t += TwitchClock.BOUND_HOLD_MS + 1;
    clock.sawTimestamp(local.t + 10); // the local clock was moved forward by 5 s meanwhile
    expect(clock.offsetMs).toBe(10);
  });

  it('never goes back: when the offset drops, positions stand still until the corrected clock catches up', () => {
    const local = { t: 1_000, now: () => local.t };
    const clock = new TwitchClock(local);
    const first = clock.now(); // no stamp yet: the local clock
    clock.sawTimestamp(local.t - 20); // the first event: Twitch is 20 ms behind (a delivery delay)
    local.t += 5;
    const second = clock.now();
    expect(second).toBeGreaterThan(first);
    expect(second - first).toBeLessThan(1);
    local.t += 30;
    expect(clock.now()).toBe(local.t - 20);
  });

  it('hands out strictly increasing positions within one millisecond', () => {
    const clock = new TwitchClock({ now: () => 5_000 });
    const a = clock.now();
    const b = clock.now();
    expect(b).toBeGreaterThan(a);
  });

  it('ignores stamps that are not numbers', () => {
    const clock = new TwitchClock({ now: () => 0 });
    clock.sawTimestamp(Number.NaN);
    expect(clock.offsetMs).toBe(0);
  });
});
