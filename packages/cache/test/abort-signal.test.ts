/**
 * The signal the cache hands every load (aborted when the cache closes) is listened on by each load in flight, as
 * HTTP clients do: 50 concurrent loads over real sockets print no MaxListenersExceededWarning, every listener is
 * gone once its load has ended, and closing the cache still aborts a load in flight.
 */

import { getEventListeners } from 'node:events';
import { createServer, get, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type Cache, createCache } from '../src/index.js';
import { until } from './helpers.js';

const loads = 50;
let cache: Cache | undefined;
let server: Server;
let base: string;
/** Requests the server holds open until the test answers them. */
let held: ServerResponse[] = [];
let warnings: Error[] = [];
const onWarning = (w: Error) => {
  warnings.push(w);
};

beforeEach(async () => {
  held = [];
  warnings = [];
  process.on('warning', onWarning);
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.startsWith('/hold/')) held.push(res);
    else res.end(JSON.stringify({ key: req.url?.slice(1) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  process.off('warning', onWarning);
  await cache?.close();
  cache = undefined;
  for (const res of held.splice(0)) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** GETs `path` with the load's signal (node's HTTP client listens on it until the response has ended). */
function fetchJson(path: string, signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve, reject) => {
    get(`${base}${path}`, { signal }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve(JSON.parse(body)));
      res.on('error', reject);
    }).on('error', reject);
  });
}

it(`${loads} concurrent loads on the cache's signal print no listener warning and leave no listener`, async () => {
  cache = createCache();
  const signals = new Set<AbortSignal>();
  const reads = Array.from({ length: loads }, (_, i) =>
    cache!.read(`k${i}`, {
      load: (signal) => {
        signals.add(signal);
        return fetchJson(`/hold/k${i}`, signal);
      },
    }),
  );
  // Every load is in flight at once, each listening on the signal.
  await until(() => held.length === loads, `${loads} requests held by the server`);
  expect(signals.size).toBe(1);
  const [signal] = signals;
  expect(getEventListeners(signal!, 'abort').length).toBeGreaterThanOrEqual(loads);
  for (const [i, res] of held.splice(0).entries()) res.end(JSON.stringify({ i }));
  const values = await Promise.all(reads);
  expect(values).toHaveLength(loads);
  await until(() => getEventListeners(signal!, 'abort').length === 0, 'every load to remove its listener');
  await new Promise((r) => setTimeout(r, 50)); // a warning is emitted on a later tick
  expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
});

it('closing the cache aborts a load in flight through the same signal', async () => {
  cache = createCache();
  let loadSignal: AbortSignal | undefined;
  const read = cache.read('slow', {
    load: (signal) => {
      loadSignal = signal;
      return fetchJson('/hold/slow', signal);
    },
  });
  const outcome = read.then(
    () => 'answered',
    () => 'rejected',
  );
  await until(() => held.length === 1, 'the request held by the server');
  await cache.close();
  expect(await outcome).toBe('rejected');
  expect(loadSignal?.aborted).toBe(true);
});
