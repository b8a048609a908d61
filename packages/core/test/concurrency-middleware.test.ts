/** The concurrency bound: never more than `concurrency` requests on the wire, served in arrival order, aborts skipped. */
import { AbortError } from '@twitchify/core';
import { composeMiddleware, concurrencyMiddleware, type HelixRequest } from '@twitchify/core/helix';
import { expect, it } from 'vitest';

const request = (path: string, signal?: AbortSignal): HelixRequest => ({
  method: 'GET',
  path,
  query: [],
  auth: { tokenType: 'none', scopes: [] },
  headers: {},
  signal,
});

it('holds at most `concurrency` in flight, starts waiters in arrival order, and skips the aborted', async () => {
  let inFlight = 0;
  let peak = 0;
  const started: string[] = [];
  const gates: (() => void)[] = [];
  const handler = composeMiddleware([concurrencyMiddleware(3)], async (r) => {
    started.push(r.path);
    peak = Math.max(peak, ++inFlight);
    await new Promise<void>((resolve) => gates.push(resolve));
    inFlight--;
    return { status: 200, headers: {}, body: r.path };
  });
  const controller = new AbortController();
  const calls = Array.from({ length: 20 }, (_, i) =>
    handler(request(`/${i}`, i === 5 ? controller.signal : undefined)).then(
      (r) => r.body,
      (e: unknown) => e,
    ),
  );
  controller.abort();
  // Release one at a time: each release lets exactly the next waiter in.
  while (started.length < 19 || gates.length > 0) {
    await new Promise((r) => setImmediate(r));
    gates.shift()?.();
  }
  const results = await Promise.all(calls);
  expect(peak).toBe(3);
  expect(started).toEqual(Array.from({ length: 20 }, (_, i) => `/${i}`).filter((p) => p !== '/5'));
  expect(results[5]).toBeInstanceOf(AbortError);
  expect(results.filter((r) => typeof r === 'string')).toHaveLength(19);
});
