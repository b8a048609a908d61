import type { ConnectionClose } from './connection.js';
import { EventSubConnectionError } from './errors.js';
import type { NotificationReceiver } from './receiver.js';
import type { Logger } from './types.js';

/** What a close code means, for the line a drop is told by: WebSocket's, Twitch's and this library's own. */
const closeMeaning: Record<number, string> = {
  1000: 'normal closure',
  1001: 'going away',
  1006: 'connection lost',
  4000: 'internal server error',
  4001: 'client sent inbound traffic',
  4002: 'client failed ping-pong',
  4003: 'connection unused',
  4004: 'reconnect grace time expired',
  4005: 'network timeout',
  4006: 'network error',
  4007: 'invalid reconnect url',
  4905: 'keepalive timeout (client watchdog)',
  4907: 'reconnect url refused (client)',
};

/** `1006 connection lost`: the code and what it means. */
export function describeClose(info: Pick<ConnectionClose, 'code' | 'reason'>): string {
  return `${info.code} ${closeMeaning[info.code] ?? (info.reason || 'closed')}`;
}

/** Why a socket is not reconnected after `attempts` tries. */
export const gaveUp = (attempts: number): string => `gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}`;

/**
 * Tells a closed socket once: one line (a warning while it reconnects, an error when it does not), the details at
 * debug, and the error to the error listeners without logging it again. Every layer above (the Client) hears it
 * through those listeners and must not log it once more: one drop, one line.
 */
export function tellClosed(o: {
  logger: Logger;
  receiver: NotificationReceiver;
  /** `socket` or `conduit socket`. */
  what: string;
  info: ConnectionClose;
  session: string | undefined;
  /** The delay before reconnecting, or why it does not. */
  next: { reconnectInMs: number; attempt: number } | { notReconnecting: string };
}): void {
  const reconnecting = 'reconnectInMs' in o.next;
  const then = reconnecting
    ? 'reconnecting'
    : `not reconnecting (${(o.next as { notReconnecting: string }).notReconnecting})`;
  const error = new EventSubConnectionError(
    o.info.code,
    `EventSub ${o.what} closed: ${describeClose(o.info)}; ${then}`,
    {
      reconnecting,
      ...(reconnecting ? { reconnectInMs: (o.next as { reconnectInMs: number }).reconnectInMs } : {}),
    },
  );
  o.logger.debug(`eventsub ${o.what} closed`, {
    code: o.info.code,
    reason: o.info.reason,
    welcomed: o.info.welcomed,
    lastFrameAt: o.info.lastFrameAt,
    session: o.session,
    ...o.next,
  });
  const fields = { code: error.code, closeCode: o.info.code, session: o.session, reconnecting };
  if (reconnecting) o.logger.warn(error.message, fields);
  else o.logger.error(error.message, fields);
  o.receiver.error(error, { logged: true });
}
