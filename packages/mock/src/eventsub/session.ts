/**
 * One EventSub WebSocket session: the socket it currently speaks through (swapped on a session_reconnect handover),
 * its keepalive timer, its subscribe window and the reconnect grace timer. It knows nothing of subscriptions: when it
 * ends it tells the hub why, as the status Twitch gives the session's subscriptions.
 */
import type { WebSocket } from 'ws';
import { keepaliveFrame, type SessionInfo, sessionFrame } from './frames.js';
import { timestamp, uuid } from './ids.js';

/** Subscription status Twitch reports for each close code. */
export const statusForClose: Record<number, string> = {
  4000: 'websocket_internal_error',
  4001: 'websocket_received_inbound_traffic',
  4002: 'websocket_failed_ping_pong',
  4003: 'websocket_connection_unused',
  4004: 'websocket_failed_to_reconnect',
  4005: 'websocket_network_timeout',
  4006: 'websocket_network_error',
  4007: 'websocket_failed_to_reconnect',
};

export interface SessionOptions {
  id: string;
  socket: WebSocket;
  keepaliveSeconds: number;
  subscribeWindowMs: number;
  /** Ping the client this often; no pong by the next ping closes with 4002. */
  pingIntervalMs: number;
  now(): number;
  random(): number;
  /** Called once when the session ends, with the status its subscriptions take. */
  onEnd(session: HubSession, status: string): void;
  /** Whether the session has been used (a subscription or a conduit shard); checked when the window ends. */
  isUsed(session: HubSession): boolean;
}

export class HubSession {
  readonly id: string;
  readonly connectedAtMs: number;
  readonly keepaliveSeconds: number;
  status: 'connected' | 'reconnecting' | 'closed' = 'connected';
  /** When true nothing is sent (no keepalive either): a silent socket. */
  silenced = false;
  /** Frames sent on this session, for the benchmark's and tests' bookkeeping. */
  sent = 0;
  #socket: WebSocket;
  #opts: SessionOptions;
  #lastSent = performance.now();
  #keepalive: NodeJS.Timeout | undefined;
  #window: NodeJS.Timeout | undefined;
  #grace: NodeJS.Timeout | undefined;
  #ping: NodeJS.Timeout | undefined;
  #pongDue = false;

  constructor(opts: SessionOptions) {
    this.#opts = opts;
    this.id = opts.id;
    this.keepaliveSeconds = opts.keepaliveSeconds;
    this.connectedAtMs = opts.now();
    this.#socket = opts.socket;
    this.#bind(opts.socket);
    this.#window = setTimeout(() => {
      if (!opts.isUsed(this)) this.close(4003, 'connection unused');
    }, opts.subscribeWindowMs);
    this.#window.unref();
    this.#ping = setInterval(() => this.#pingTick(), opts.pingIntervalMs);
    this.#ping.unref();
  }

  #pingTick(): void {
    if (this.status === 'closed' || this.silenced) return;
    if (this.#pongDue) {
      this.close(4002, 'client failed ping-pong');
      return;
    }
    this.#pongDue = true;
    this.#socket.ping();
  }

  get connectedAt(): string {
    return timestamp(this.connectedAtMs);
  }

  /** Sends session_welcome on the current socket and starts the keepalive clock. */
  welcome(): void {
    this.send(sessionFrame('session_welcome', uuid(this.#opts.random), this.#opts.now(), this.#info(null)));
  }

  /** Sends a frame unless silenced or closed; any frame counts as traffic for the keepalive. */
  send(frame: unknown): void {
    this.sendRaw(JSON.stringify(frame));
  }

  sendRaw(text: string): void {
    if (this.status === 'closed' || this.silenced || this.#socket.readyState !== this.#socket.OPEN) return;
    this.#socket.send(text);
    this.sent++;
    this.#lastSent = performance.now();
    this.#armKeepalive(this.keepaliveSeconds * 1000);
  }

  /** Asks the client to move to `url`; closes with 4004 if it has not moved within `graceMs`. */
  startReconnect(url: string, graceMs: number): void {
    if (this.status !== 'connected') return;
    this.status = 'reconnecting';
    this.send(sessionFrame('session_reconnect', uuid(this.#opts.random), this.#opts.now(), this.#info(url)));
    this.#grace = setTimeout(() => this.close(4004, 'reconnect grace time expired'), graceMs);
    this.#grace.unref();
  }

  /** The client connected to the reconnect URL: welcome it there, then let the old socket go. */
  handover(socket: WebSocket): void {
    const old = this.#socket;
    clearTimeout(this.#grace);
    this.#socket = socket;
    this.#bind(socket);
    this.status = 'connected';
    this.silenced = false;
    this.#pongDue = false;
    this.welcome();
    if (old.readyState === old.OPEN) old.close(1000, 'reconnected');
  }

  /** Closes with a Twitch close code; the session's subscriptions take the matching status. */
  close(code: number, reason: string): void {
    if (this.status === 'closed') return;
    const socket = this.#socket;
    this.#end(statusForClose[code] ?? 'websocket_disconnected');
    socket.close(code, reason);
  }

  /** Drops the TCP connection without a close frame, as a network failure does. */
  terminate(): void {
    if (this.status === 'closed') return;
    const socket = this.#socket;
    this.#end('websocket_disconnected');
    socket.terminate();
  }

  #info(reconnectUrl: string | null): SessionInfo {
    return {
      id: this.id,
      status: reconnectUrl ? 'reconnecting' : 'connected',
      connectedAt: this.connectedAt,
      keepaliveSeconds: reconnectUrl ? null : this.keepaliveSeconds,
      reconnectUrl,
    };
  }

  #bind(socket: WebSocket): void {
    // Twitch lets a client send nothing but pongs: any message closes the socket with 4001.
    socket.on('message', () => {
      if (socket === this.#socket) this.close(4001, 'client sent inbound traffic');
    });
    socket.on('pong', () => {
      if (socket === this.#socket) this.#pongDue = false;
    });
    socket.on('close', () => {
      if (socket === this.#socket) this.#end('websocket_disconnected');
    });
    socket.on('error', () => {
      if (socket === this.#socket) this.#end('websocket_network_error');
    });
  }

  #armKeepalive(afterMs: number): void {
    clearTimeout(this.#keepalive);
    this.#keepalive = setTimeout(() => {
      const idle = performance.now() - this.#lastSent;
      const timeout = this.keepaliveSeconds * 1000;
      // Keepalives only when idle: any frame sent meanwhile pushed the deadline back.
      if (idle >= timeout - 5) {
        if (!this.silenced) this.send(keepaliveFrame(uuid(this.#opts.random), this.#opts.now()));
        else this.#armKeepalive(timeout);
      } else this.#armKeepalive(timeout - idle);
    }, afterMs);
    this.#keepalive.unref();
  }

  #end(status: string): void {
    if (this.status === 'closed') return;
    this.status = 'closed';
    clearTimeout(this.#keepalive);
    clearTimeout(this.#window);
    clearTimeout(this.#grace);
    clearInterval(this.#ping);
    this.#opts.onEnd(this, status);
  }
}
