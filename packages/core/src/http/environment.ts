/** The logger every Twitchify class accepts; the default is silent. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** A clock in ms since epoch. */
export interface Clock {
  now(): number;
}

const noop = () => {};

/** The default logger: says nothing. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/** The default clock: `Date.now`. */
export const systemClock: Clock = { now: () => Date.now() };
