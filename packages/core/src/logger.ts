/**
 * The Client's logger: whatever the app hands in (console, pino, winston, bunyan, or a logger of its own), turned
 * into the one shape every Twitchify class calls, `(message, fields)`, filtered by level, and never able to throw.
 */
import type { Logger } from './http/environment.js';

/** How much the Client says: `debug` < `info` < `warn` < `error`; `silent` says nothing. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** One method of a logger: any arguments, since loggers of other libraries type them in many ways. */
// biome-ignore lint/suspicious/noExplicitAny: loggers of other libraries type their arguments in many ways
type LogMethod = (...args: any[]) => unknown;

/**
 * Any logger with `warn` and `error` (and, optionally, `debug` and `info`): `console`, a pino or bunyan logger
 * (called `(fields, message)`, recognised by their `child`/`bindings`), a winston logger (`(message, meta)`), or
 * one of your own called `(message, fields)`.
 */
export interface LoggerLike {
  /** Details (only called at `logLevel: 'debug'`). */
  debug?: LogMethod;
  /** Normal operation (from `logLevel: 'info'`). */
  info?: LogMethod;
  /** Recovered failures and limits (from `logLevel: 'warn'`, the default). */
  warn: LogMethod;
  /** Failures the app should know of. */
  error: LogMethod;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: Number.POSITIVE_INFINITY };
const METHODS = ['debug', 'info', 'warn', 'error'] as const;

/** Whether `value` is a level name. */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && Object.hasOwn(RANK, value);
}

/**
 * Whether `logger` takes the fields first: pino (`bindings()`) and bunyan (`streams`) log `(fields, message)`;
 * console, winston and Twitchify's own shape log `(message, fields)`.
 */
export function takesFieldsFirst(logger: LoggerLike): boolean {
  const l = logger as unknown as Record<string, unknown>;
  if (typeof l.child !== 'function') return false;
  return typeof l.bindings === 'function' || Array.isArray(l.streams);
}

/** The default logger: one line per message on stderr, `twitchify warn: message {"field":...}`. */
export const stderrLogger: Logger = {
  debug: (message, fields) => writeLine('debug', message, fields),
  info: (message, fields) => writeLine('info', message, fields),
  warn: (message, fields) => writeLine('warn', message, fields),
  error: (message, fields) => writeLine('error', message, fields),
};

function writeLine(level: string, message: string, fields: Record<string, unknown> | undefined): void {
  const detail = fields && Object.keys(fields).length > 0 ? ` ${safeJson(fields)}` : '';
  process.stderr.write(`twitchify ${level}: ${message}${detail}\n`);
}

function safeJson(fields: Record<string, unknown>): string {
  try {
    return JSON.stringify(fields);
  } catch {
    return '{}';
  }
}

/**
 * The logger the Client uses: `logger` adapted to `(message, fields)` and filtered at `level`. With no logger, the
 * default writes to stderr at `warn` (warnings and errors); a logger given by the app receives every level from
 * `debug` on unless `level` says otherwise (its own level filter then applies as usual). A logger that throws is
 * ignored for that message: logging never breaks the Client.
 */
export function createLogger(logger: LoggerLike | undefined, level: LogLevel | undefined): Logger {
  const target: LoggerLike = logger ?? stderrLogger;
  const min = RANK[level ?? (logger ? 'debug' : 'warn')];
  const fieldsFirst = takesFieldsFirst(target);
  const noop = () => {};
  const out = {} as Logger;
  for (const name of METHODS) {
    const method = target[name];
    if (RANK[name] < min || typeof method !== 'function') {
      out[name] = noop;
      continue;
    }
    out[name] = (message, fields) => {
      try {
        if (fields === undefined) method.call(target, message);
        else if (fieldsFirst) method.call(target, fields, message);
        else method.call(target, message, fields);
      } catch {
        // a logger that throws loses its message, nothing else
      }
    };
  }
  return out;
}
