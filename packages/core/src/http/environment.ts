/** The logger every Twitchify class accepts; the default is silent. */
export interface Logger {
  /** Details, for when something is being looked into. */
  debug(message: string, fields?: Record<string, unknown>): void;
  /** What happens in normal operation (a session welcomed). */
  info(message: string, fields?: Record<string, unknown>): void;
  /** Something went wrong and was recovered from, or will limit what the SDK can do. */
  warn(message: string, fields?: Record<string, unknown>): void;
  /** Something failed that the app should know of. */
  error(message: string, fields?: Record<string, unknown>): void;
}

/** A clock in ms since epoch. */
export interface Clock {
  /** Now, in ms since epoch. */
  now(): number;
}

const noop = () => {};

/** The default logger: says nothing. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/** The default clock: `Date.now`. */
export const systemClock: Clock = { now: () => Date.now() };
