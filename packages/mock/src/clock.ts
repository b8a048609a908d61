/** Where the emulator reads the time: ms since epoch. Inject one to drive lag and expiry from a test. */
export interface Clock {
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };
