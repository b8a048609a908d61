/**
 * The run's tables as Markdown (for benchmarks/README.md): the rows, staleness per resource next to Twitch's event
 * delay, and (a soak) staleness per minute. `npm run bench` writes them to `results/consistency-latest.md`;
 * `npx tsx benchmarks/consistency/markdown.ts <results.json>` prints them for a saved run.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RowSummary } from './summary.js';
import { resourceStaleness, soakBuckets } from './table.js';

const fmt = (n: number) => n.toLocaleString('en-US');

function table(head: string[], body: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map((_, i) => (i === 0 ? '---' : '---:'))), ...body.map(line)].join('\n');
}

/** The Markdown tables of a run (`rows` as in the JSON: without charts). */
export function renderMarkdown(rows: Omit<RowSummary, 'charts'>[], soak = false): string {
  const main = table(
    [
      'system',
      'reads',
      'read-your-writes',
      'event-bounded',
      'monotonic',
      'stale fills',
      'restart',
      'Helix requests',
      'Helix req/min/token (Twitch: 800)',
      'read p50 / p99 (µs)',
      'staleness p50 / p99 / max (ms)',
    ],
    rows.map((r) => [
      r.system,
      fmt(r.reads),
      fmt(r.violations.readYourWrites),
      r.eventsReceived ? fmt(r.violations.eventStaleness) : 'n/a',
      fmt(r.violations.monotonicReads),
      fmt(r.violations.staleFills),
      fmt(r.violations.restartSafety),
      fmt(r.helixRequests),
      fmt(r.helixPerTokenPerMinute),
      `${r.readLatencyUs.p50.toFixed(2)} / ${r.readLatencyUs.p99.toFixed(2)}`,
      `${fmt(Math.round(r.stalenessMs.p50))} / ${fmt(Math.round(r.stalenessMs.p99))} / ${fmt(Math.round(r.stalenessMs.max))}`,
    ]),
  );
  const resources = resourceStaleness(rows as RowSummary[]);
  const perResource = table(
    resources.head.map((h, i) => (i === 0 ? 'staleness p50/p99/max (ms)' : h)),
    resources.body,
  );
  const violations = table(
    ['system', ...Object.keys(rows[0]?.byResource ?? {})],
    rows.map((r) => [
      r.system,
      ...Object.values(r.byResource).map((x) => {
        const v = x.violations;
        return [v.readYourWrites, v.eventStaleness, v.monotonicReads, v.staleFills, v.restartSafety].map(fmt).join('/');
      }),
    ]),
  );
  const parts = [
    main,
    '',
    perResource,
    '',
    'Violations per resource (read-your-writes/event-bounded/monotonic/stale fills/restart; lists per member):',
    '',
    violations,
  ];
  if (soak) {
    const b = soakBuckets(rows as RowSummary[]);
    parts.push('', table(b.head, b.body));
  }
  return `${parts.join('\n')}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: npx tsx benchmarks/consistency/markdown.ts <results.json>');
    process.exit(2);
  }
  const { meta, rows } = JSON.parse(readFileSync(file, 'utf8')) as {
    meta: { scenario?: string };
    rows: Omit<RowSummary, 'charts'>[];
  };
  process.stdout.write(renderMarkdown(rows, String(meta.scenario ?? '').startsWith('soak')));
}
