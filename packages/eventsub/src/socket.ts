/** The WebSocket seam: anything WHATWG-shaped (undici's WebSocket by default, `ws` works too). */
import { WebSocket as UndiciWebSocket } from 'undici';

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

export const defaultWebSocketFactory: WebSocketFactory = (url) => new UndiciWebSocket(url) as unknown as WebSocketLike;

const decoder = new TextDecoder();

/** A frame's text, whatever the socket implementation handed over. */
export function frameText(data: unknown): string | undefined {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return decoder.decode(data);
  if (ArrayBuffer.isView(data)) return decoder.decode(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return undefined;
}
