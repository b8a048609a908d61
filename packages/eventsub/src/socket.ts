/** The WebSocket seam: anything WHATWG-shaped (undici's WebSocket by default, `ws` works too). */
import { Agent, type Dispatcher, WebSocket as UndiciWebSocket } from 'undici';

/** The part of a WHATWG WebSocket this package uses. */
export interface WebSocketLike {
  readonly readyState: number;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: 'error', listener: (event: unknown) => void): void;
  close(code?: number, reason?: string): void;
}

/** Opens a socket to `url`. Inject one to use `ws`, a proxy, or a test double. */
export type WebSocketFactory = (url: string) => WebSocketLike;

/**
 * undici's WebSocket through a dispatcher that bounds every message at the transport: a frame larger than
 * `maxPayloadBytes` (default 16 MiB) fails the connection with 1009 before it is buffered whole, and the listener
 * reconnects. Smaller frames above the listener's `maxFrameBytes` are skipped and reported instead.
 */
export function createUndiciWebSocketFactory(options: { maxPayloadBytes?: number; dispatcher?: Dispatcher } = {}) {
  const dispatcher =
    options.dispatcher ?? new Agent({ webSocket: { maxPayloadSize: options.maxPayloadBytes ?? 16 * 2 ** 20 } });
  const factory: WebSocketFactory = (url) => new UndiciWebSocket(url, { dispatcher }) as unknown as WebSocketLike;
  return factory;
}

let shared: WebSocketFactory | undefined;

/** The default: undici's WebSocket with a 16 MiB transport bound, one dispatcher for the whole process. */
export const defaultWebSocketFactory: WebSocketFactory = (url) => {
  shared ??= createUndiciWebSocketFactory();
  return shared(url);
};

const decoder = new TextDecoder();

/** A frame's text, whatever the socket implementation handed over. */
export function frameText(data: unknown): string | undefined {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return decoder.decode(data);
  if (ArrayBuffer.isView(data)) return decoder.decode(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return undefined;
}
