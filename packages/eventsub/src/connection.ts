/**
 * One EventSub WebSocket session: connect, welcome, keepalive watchdog and the session_reconnect handover (the old
 * socket keeps delivering until the new one is welcomed; both feed the same handlers and the caller deduplicates).
 * It reports an unplanned end once, through `onClose`; reconnecting after that is the caller's decision.
 */
import { EventSubFrameError } from './errors.js';
import { frameText, type WebSocketFactory, type WebSocketLike } from './socket.js';
import type { Clock, Logger } from './types.js';
import { describeProblem } from './wire/check.js';
import {
  knownMessageTypes,
  messageChecks,
  metadataOnly,
  notificationProblem,
  type WireMessage,
  type WireNotificationMessage,
  type WireReconnect,
  type WireRevocationMessage,
  type WireWelcome,
} from './wire/frames.js';

export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** Why a connection ended; `code` is the close code, or 4905 when our keepalive watchdog gave up on a silent socket. */
export interface ConnectionClose {
  code: number;
  reason: string;
  /** `clock.now()` of the last frame received: nothing after it can be trusted to have arrived. */
  lastFrameAt: number;
  welcomed: boolean;
}

export const WATCHDOG_CLOSE_CODE = 4905;
/** Local close code: a session_reconnect named a URL we do not follow; the caller reconnects as after a drop. */
export const RECONNECT_REFUSED_CLOSE_CODE = 4907;

/** Twitch's EventSub WebSocket host: in production a reconnect URL must be `wss://` on it. */
export const TWITCH_EVENTSUB_HOST = 'eventsub.wss.twitch.tv';

/** Twitch's bounds on keepalive_timeout_seconds; a welcome outside them is moved to the nearest. */
export const KEEPALIVE_MIN_SECONDS = 10;
export const KEEPALIVE_MAX_SECONDS = 600;

export interface ConnectionHandlers {
  welcome(sessionId: string, handover: boolean): void;
  message(message: WireNotificationMessage | WireRevocationMessage, at: number): void;
  frameError(error: EventSubFrameError): void;
  close(info: ConnectionClose): void;
}

export interface ConnectionOptions {
  url: string;
  keepaliveTimeoutSeconds: number;
  factory: WebSocketFactory;
  clock: Clock;
  logger: Logger;
  maxFrameBytes: number;
  /** How long to wait for session_welcome. */
  welcomeTimeoutMs: number;
  handlers: ConnectionHandlers;
}

interface Sock {
  ws: WebSocketLike;
  welcomed: boolean;
  timer?: NodeJS.Timeout;
}

export class EventSubConnection {
  status: ConnectionStatus = 'idle';
  sessionId: string | undefined;
  lastFrameAt: number;
  readonly #o: ConnectionOptions;
  #primary: Sock | undefined;
  #pending: Sock | undefined;
  #keepaliveMs = 0;
  readonly #origin: URL;
  #lastFrameMono = 0;
  #watchdog: NodeJS.Timeout | undefined;

  constructor(options: ConnectionOptions) {
    this.#o = options;
    this.#origin = new URL(options.url);
    this.lastFrameAt = options.clock.now();
  }

  /** The keepalive in force: the welcome's, clamped to Twitch's 10 to 600 s. */
  get keepaliveSeconds(): number {
    return this.#keepaliveMs / 1000;
  }

  open(): void {
    if (this.status !== 'idle') return;
    this.#setStatus('connecting');
    const url = new URL(this.#o.url);
    url.searchParams.set('keepalive_timeout_seconds', String(this.#o.keepaliveTimeoutSeconds));
    this.#primary = this.#connect(url.toString());
  }

  /** Planned close: no `close` handler call. */
  close(): void {
    if (this.status === 'closed') return;
    this.#setStatus('closed');
    clearTimeout(this.#watchdog);
    for (const s of [this.#primary, this.#pending]) if (s) this.#drop(s);
    this.#primary = this.#pending = undefined;
  }

  #setStatus(status: ConnectionStatus): void {
    if (this.status !== status) this.#o.logger.debug('eventsub connection status', { status, session: this.sessionId });
    this.status = status;
  }

  #connect(url: string): Sock {
    const sock: Sock = { ws: this.#o.factory(url), welcomed: false };
    sock.timer = setTimeout(() => this.#lost(sock, 4905, 'no session_welcome in time'), this.#o.welcomeTimeoutMs);
    sock.ws.addEventListener('message', (ev) => {
      // Nothing a frame holds may escape the listener: an exception here would be uncaught and end the process.
      try {
        this.#frame(sock, ev.data);
      } catch (cause) {
        this.#bad('TWITCHIFY_EVENTSUB_MALFORMED_FRAME', 'frame could not be handled', frameText(ev.data) ?? '', cause);
      }
    });
    sock.ws.addEventListener('close', (ev) => this.#lost(sock, ev.code, ev.reason));
    sock.ws.addEventListener('error', () => {
      // A 'close' always follows an 'error'; handling it there keeps one path.
    });
    return sock;
  }

  #drop(sock: Sock): void {
    clearTimeout(sock.timer);
    try {
      sock.ws.close(1000, 'client closing');
    } catch {
      // Closing a socket that never opened can throw in some implementations; it is gone either way.
    }
  }

  #lost(sock: Sock, code: number, reason: string): void {
    if (this.status === 'closed') return;
    if (sock === this.#pending) {
      // The new socket failed before its welcome: keep the old one, which Twitch closes with 4004 if we never move.
      this.#o.logger.warn('eventsub reconnect socket failed', { code, reason });
      this.#drop(sock);
      this.#pending = undefined;
      return;
    }
    if (sock !== this.#primary) return;
    const welcomed = sock.welcomed;
    this.close();
    this.#o.handlers.close({ code, reason, lastFrameAt: this.lastFrameAt, welcomed });
  }

  #frame(sock: Sock, data: unknown): void {
    if (sock !== this.#primary && sock !== this.#pending) return;
    const at = this.#o.clock.now();
    if (sock === this.#primary) {
      this.lastFrameAt = at;
      this.#lastFrameMono = performance.now();
    }
    const text = frameText(data);
    if (text === undefined) {
      this.#bad('TWITCHIFY_EVENTSUB_MALFORMED_FRAME', 'binary frame', '');
      return;
    }
    if (text.length > this.#o.maxFrameBytes) {
      this.#bad('TWITCHIFY_EVENTSUB_FRAME_TOO_LARGE', `frame of ${text.length} bytes refused`, text);
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      this.#bad('TWITCHIFY_EVENTSUB_MALFORMED_FRAME', 'frame is not JSON', text, cause);
      return;
    }
    const type = messageType(json);
    if (type === 'notification') {
      // The hot path: checked in place, handed over as parsed.
      const problem = notificationProblem(json as { metadata: Record<string, unknown> });
      if (problem !== undefined) {
        this.#bad('TWITCHIFY_EVENTSUB_MALFORMED_FRAME', `notification: ${problem} is not as Twitch sends it`, text);
        return;
      }
      if (sock.welcomed) this.#o.handlers.message(json as WireNotificationMessage, at);
      return;
    }
    const check = type === undefined ? undefined : messageChecks[type];
    if (!check) {
      const problem = metadataOnly(json);
      if (problem === undefined && !knownMessageTypes.has(type!)) {
        this.#bad('TWITCHIFY_EVENTSUB_UNKNOWN_MESSAGE', 'unknown message type', text);
        return;
      }
      const cause = problem === undefined ? undefined : new TypeError(describeProblem(problem));
      this.#bad('TWITCHIFY_EVENTSUB_MALFORMED_FRAME', 'frame has no message type', text, cause);
      return;
    }
    const problem = check(json);
    if (problem !== undefined) {
      const field = describeProblem(problem);
      this.#bad(
        'TWITCHIFY_EVENTSUB_MALFORMED_FRAME',
        `${type} does not match its schema: ${field}`,
        text,
        new TypeError(field),
      );
      return;
    }
    const msg = json as WireMessage;
    switch (msg.metadata.message_type) {
      case 'session_welcome': {
        const session = (msg as WireWelcome).payload.session;
        this.#welcome(sock, session.id, session.keepalive_timeout_seconds ?? null);
        return;
      }
      case 'session_reconnect':
        if (sock !== this.#primary || this.#pending) return;
        this.#reconnect(sock, (msg as WireReconnect).payload.session.reconnect_url);
        return;
      case 'revocation':
        if (!sock.welcomed) return;
        {
          this.#o.handlers.message(msg as WireNotificationMessage | WireRevocationMessage, at);
          return;
        }
      default:
        return;
    }
  }

  /**
   * Follows a session_reconnect to `target` when it is where the session lives: `wss://` on Twitch's EventSub host
   * when connected to Twitch, the configured origin otherwise (the emulator, a proxy). Anything else, or a URL the
   * socket factory refuses, is logged (at debug: the drop that follows is the one warning, named by its close code)
   * and handled as a drop, so the caller reconnects to the configured URL.
   */
  #reconnect(sock: Sock, target: string): void {
    let pending: Sock | undefined;
    if (this.#follows(target)) {
      try {
        pending = this.#connect(target);
      } catch (cause) {
        this.#o.logger.debug('eventsub reconnect url refused by the socket factory', { error: String(cause) });
      }
    } else {
      this.#o.logger.debug('eventsub reconnect url refused', { host: hostOf(target) });
    }
    if (!pending) {
      this.#lost(sock, RECONNECT_REFUSED_CLOSE_CODE, 'reconnect url refused');
      return;
    }
    this.#setStatus('reconnecting');
    this.#pending = pending;
  }

  #follows(target: string): boolean {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return false;
    }
    if (this.#origin.hostname === TWITCH_EVENTSUB_HOST) {
      return url.protocol === 'wss:' && url.hostname === TWITCH_EVENTSUB_HOST && url.port === '';
    }
    return url.protocol === this.#origin.protocol && url.host === this.#origin.host;
  }

  #welcome(sock: Sock, sessionId: string, keepaliveSeconds: number | null): void {
    if (sock.welcomed) return;
    sock.welcomed = true;
    clearTimeout(sock.timer);
    const handover = sock === this.#pending;
    if (handover) {
      const old = this.#primary;
      this.#primary = sock;
      this.#pending = undefined;
      if (old) this.#drop(old);
    }
    this.sessionId = sessionId;
    this.#keepaliveMs = clampKeepalive(keepaliveSeconds ?? this.#o.keepaliveTimeoutSeconds) * 1000;
    this.lastFrameAt = this.#o.clock.now();
    this.#lastFrameMono = performance.now();
    this.#setStatus('connected');
    this.#armWatchdog(this.#limit());
    this.#o.handlers.welcome(sessionId, handover);
  }

  /** Silence past the keepalive timeout (plus slack for the network) means the connection is lost. */
  #limit(): number {
    return this.#keepaliveMs + Math.max(1000, this.#keepaliveMs * 0.2);
  }

  #armWatchdog(ms: number): void {
    clearTimeout(this.#watchdog);
    // One timer per connection, re-armed lazily: frames only move a timestamp, keeping the hot path free of timers.
    this.#watchdog = setTimeout(() => {
      const silent = performance.now() - this.#lastFrameMono;
      if (silent < this.#limit()) return this.#armWatchdog(this.#limit() - silent);
      this.#o.logger.debug('eventsub keepalive timeout', { session: this.sessionId, silentMs: Math.round(silent) });
      const primary = this.#primary;
      if (primary) this.#lost(primary, WATCHDOG_CLOSE_CODE, 'keepalive timeout');
    }, ms);
    this.#watchdog.unref?.();
  }

  #bad(code: ConstructorParameters<typeof EventSubFrameError>[0], message: string, raw: string, cause?: unknown): void {
    this.#o.handlers.frameError(new EventSubFrameError(code, message, raw, { cause }));
  }
}

/** `metadata.message_type` of a parsed frame, without validating the rest. */
function messageType(json: unknown): string | undefined {
  const meta = (json as { metadata?: { message_type?: unknown } } | null)?.metadata;
  return typeof meta?.message_type === 'string' ? meta.message_type : undefined;
}

/** Twitch's bounds: a value outside 10 to 600 s (or not a number) would spin or overflow the watchdog's timer. */
function clampKeepalive(seconds: number): number {
  if (!Number.isFinite(seconds)) return KEEPALIVE_MAX_SECONDS;
  return Math.min(KEEPALIVE_MAX_SECONDS, Math.max(KEEPALIVE_MIN_SECONDS, seconds));
}

/** The host of a URL for a log line (never its query, which may carry tokens), or '?' when it does not parse. */
function hostOf(target: string): string {
  try {
    return new URL(target).host;
  } catch {
    return '?';
  }
}
