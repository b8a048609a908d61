/** Every error that `@twitchify/eventsub` throws or reports. Messages never hold tokens or secrets. */

const brand = Symbol.for('twitchify.error');

/** Base of the package's errors; branded so that core's `TwitchifyError` recognises it. */
export class EventSubError extends Error {
  readonly [brand] = true;
  override name = 'EventSubError';
  /** Stable, machine-readable. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(redact(message), options);
    this.code = code;
  }
}

/** An option given to a constructor or method was invalid; `field` names it. */
export class EventSubOptionsError extends EventSubError {
  override name = 'EventSubOptionsError';
  constructor(
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('TWITCHIFY_EVENTSUB_INVALID_OPTIONS', `${field}: ${message}`, options);
  }
}

/** The desired subscriptions cannot fit in Twitch's limits (300 per connection, 3 connections per user token). */
export class EventSubCapacityError extends EventSubError {
  override name = 'EventSubCapacityError';
  constructor(
    readonly desired: number,
    readonly capacity: number,
  ) {
    super(
      'TWITCHIFY_EVENTSUB_CAPACITY',
      `${desired} subscriptions cannot fit: a user token allows ${capacity} WebSocket subscriptions; use a conduit`,
    );
  }
}

/** Statuses with which Twitch refuses a request for good: asking again gets the same answer. */
const PERMANENT_STATUSES: ReadonlySet<number> = new Set([400, 403, 404]);

/**
 * A Helix EventSub request failed; `status` is the HTTP status (0 when no answer came). Its message keeps the form
 * `<METHOD> <path> answered <status>: <Twitch's message>`, which consumers match on.
 */
export class EventSubApiError extends EventSubError {
  override name = 'EventSubApiError';
  /**
   * Twitch refused the request itself (400 bad request or condition, 403 missing authorization, 404 unknown): a
   * retry would be refused again. False for 429, 5xx and network failures, which are worth retrying.
   */
  readonly permanent: boolean;
  constructor(
    readonly status: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(status === 409 ? 'TWITCHIFY_EVENTSUB_CONFLICT' : 'TWITCHIFY_EVENTSUB_API', message, options);
    this.permanent = PERMANENT_STATUSES.has(status);
  }
}

/** Whether `error` is a refusal that retrying cannot fix (see `EventSubApiError.permanent`). */
export function isPermanentRefusal(error: unknown): boolean {
  return error instanceof EventSubApiError && error.permanent;
}

/** A frame or webhook body could not be understood; `raw` holds it (truncated to 64 KiB). */
export class EventSubFrameError extends EventSubError {
  override name = 'EventSubFrameError';
  readonly raw: string;
  constructor(
    code:
      | 'TWITCHIFY_EVENTSUB_MALFORMED_FRAME'
      | 'TWITCHIFY_EVENTSUB_FRAME_TOO_LARGE'
      | 'TWITCHIFY_EVENTSUB_UNKNOWN_MESSAGE',
    message: string,
    raw: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.raw = raw.length > 65_536 ? raw.slice(0, 65_536) : raw;
  }
}

/**
 * A notification of a known type violates Twitch's reference; it is still delivered, as `kind: 'malformed'`. `field`
 * names the first offending field (`event.ends_at`, `events[2].data.user_id`), `expected` what the reference wants,
 * `got` the kind of value that came (never the value).
 */
export class EventSubDecodeError extends EventSubError {
  override name = 'EventSubDecodeError';
  constructor(
    readonly typeAtVersion: string,
    readonly raw: unknown,
    readonly field: string,
    readonly expected: string,
    readonly got: string,
    options?: { cause?: unknown },
  ) {
    super(
      'TWITCHIFY_EVENTSUB_DECODE',
      `notification ${typeAtVersion}: ${field} must be ${expected}, got ${got}`,
      options,
    );
  }
}

/**
 * A webhook request was refused: forged signature, stale timestamp, replayed id, missing headers, too large, or the
 * id set full (`TWITCHIFY_EVENTSUB_WEBHOOK_BUSY`, 503: Twitch retries).
 */
export class EventSubWebhookError extends EventSubError {
  override name = 'EventSubWebhookError';
  constructor(
    code:
      | 'TWITCHIFY_EVENTSUB_WEBHOOK_SIGNATURE'
      | 'TWITCHIFY_EVENTSUB_WEBHOOK_STALE'
      | 'TWITCHIFY_EVENTSUB_WEBHOOK_REPLAY'
      | 'TWITCHIFY_EVENTSUB_WEBHOOK_BUSY'
      | 'TWITCHIFY_EVENTSUB_WEBHOOK_BAD_REQUEST',
    message: string,
    readonly status: number,
  ) {
    super(code, message);
  }
}

/**
 * The connection closed, or was closed with a Twitch close code; `closeCode` says which, and `reconnecting` whether
 * the listener is reconnecting (its message says so too: `...; reconnecting` or `...; not reconnecting (why)`).
 */
export class EventSubConnectionError extends EventSubError {
  override name = 'EventSubConnectionError';
  /** Whether a reconnect is under way: true for a drop that is being recovered, false when nothing follows. */
  readonly reconnecting: boolean;
  /** How long until the reconnect, while `reconnecting`. */
  readonly reconnectInMs: number | undefined;
  constructor(
    readonly closeCode: number,
    message: string,
    options?: { cause?: unknown; reconnecting?: boolean; reconnectInMs?: number },
  ) {
    super('TWITCHIFY_EVENTSUB_CONNECTION', message, options);
    this.reconnecting = options?.reconnecting ?? false;
    this.reconnectInMs = options?.reconnectInMs;
  }
}

/** Hides anything that looks like a bearer token or secret. */
export function redact(message: string): string {
  return message
    .replace(/(Bearer|OAuth)\s+\S+/gi, '$1 ***')
    .replace(/(secret|token|access_token)(["']?\s*[=:]\s*["']?)[^&\s"',}]+/gi, '$1$2***');
}
