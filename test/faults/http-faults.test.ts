/**
 * Fault matrix, HTTP rows: 429 bursts with and without rate-limit headers, 5xx bursts on reads and writes, and 5xx
 * answers to writes Twitch carried out. Each row: no crash, no unhandled rejection, no violation of the promises, and
 * the Client serving the newest state again afterwards. (EventSub's rows are in eventsub-faults.test.ts.)
 */
import { describe, it } from 'vitest';
import { expectRowHealthy, type FaultRow, runFaultRow } from './harness.js';

const rows: FaultRow[] = [
  {
    name: '429 burst with rate-limit headers',
    async fault({ mock, sleep }) {
      await sleep(250);
      // Twitch's limiter, down to a few points a second for a while: real 429s, with Ratelimit-* headers
      mock.setRateLimit({ limit: 4, windowMs: 1000 });
      await sleep(600);
      mock.setRateLimit({ limit: 10_000_000, windowMs: 60_000 });
    },
  },
  {
    name: '429 burst without rate-limit headers',
    async fault({ mock, sleep }) {
      await sleep(250);
      mock.faults.inject({ path: /\/helix\//, status: 429, times: 3, omitRateLimitHeaders: true });
    },
  },
  {
    name: '5xx burst (reads and writes)',
    async fault({ mock, sleep }) {
      await sleep(300);
      mock.faults.inject({ path: /\/helix\//, status: 503, times: 20 });
    },
  },
  {
    name: '5xx burst on writes (500, 502, 504: Twitch did not act)',
    async fault({ mock, sleep }) {
      await sleep(250);
      for (const status of [500, 502, 504])
        mock.faults.inject({ path: '/channels', method: 'PATCH', status, times: 2 });
    },
  },
  {
    name: '5xx after Twitch acted (the write committed, its answer a 502 or 504)',
    async fault({ mock, sleep }) {
      await sleep(250);
      // a gateway that gave up after Twitch had acted: the write is carried out and its event sent, the caller
      // hears an error (the workload counts the write as failed; Twitch's state and its event still bind the reads)
      for (const status of [502, 504]) {
        mock.faults.inject({ path: '/channels', method: 'PATCH', status, afterServing: true, times: 2 });
      }
    },
  },
];

describe('fault matrix: HTTP', () => {
  for (const row of rows) {
    it(row.name, { timeout: 60_000 }, async () => {
      const outcome = await runFaultRow(row);
      expectRowHealthy(outcome);
    });
  }
});
