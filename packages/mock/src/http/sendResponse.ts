import type { ServerResponse } from 'node:http';
import type { FaultSpec } from './faults.js';
import type { MockResponse } from './route.js';
import { reasonPhrase } from './route.js';

/** Writes a response, or the broken version of it a fault asks for. Never throws. */
export function sendResponse(res: ServerResponse, response: MockResponse, fault?: FaultSpec): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { ...response.headers };
  try {
    if (fault?.malformed === 'html') {
      const status = fault.status ?? 502;
      const html = `<html><head><title>${status} ${reasonPhrase(status)}</title></head><body><center><h1>${status} ${reasonPhrase(status)}</h1></center></body></html>`;
      res.writeHead(status, { ...headers, 'content-type': 'text/html' });
      res.end(html);
      return;
    }
    if (response.status === 204 || response.body === undefined) {
      res.writeHead(response.status, headers);
      res.end();
      return;
    }
    const json = JSON.stringify(response.body);
    if (fault?.malformed === 'json') {
      res.writeHead(response.status, { ...headers, 'content-type': 'application/json' });
      res.end(`${json.slice(0, Math.max(1, Math.floor(json.length / 2)))},,}{`);
      return;
    }
    if (fault?.malformed === 'truncated') {
      // Announce the whole body, send half, then cut the connection: the client sees a premature close.
      const bytes = Buffer.from(json);
      res.writeHead(response.status, {
        ...headers,
        'content-type': 'application/json',
        'content-length': String(bytes.length),
      });
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
      setImmediate(() => res.socket?.destroy());
      return;
    }
    res.writeHead(response.status, { ...headers, 'content-type': 'application/json; charset=utf-8' });
    res.end(json);
  } catch {
    res.destroy();
  }
}
