/** The console table and the progress bar. */
import type { RowSummary } from './summary.js';

const fmt = (n: number) => n.toLocaleString('en-US');

/** Columns padded to their widest cell (the first left-aligned), with a rule under the head. */
function grid(head: string[], body: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
}

const ms = (p: { p50: number; p99: number; max: number } | undefined) =>
  p ? `${p.p50.toFixed(0)}/${p.p99.toFixed(0)}/${p.max.toFixed(0)}` : '-';

/**
 * The tables of a run: the rows (violations, cost, the request budget, latency, staleness), staleness per resource
 * next to Twitch's event delay, the per-resource violations, and (a soak) staleness per minute.
 */
export function renderTable(rows: RowSummary[], soak = false): string {
  const head = [
    'system',
    'reads',
    'RYW',
    'event',
    'mono',
    'stale fill',
    'restart',
    'hit rate',
    'Helix req',
    'req/min/token',
    'p50 µs',
    'p99 µs',
    'stale p50/p99/max ms',
  ];
  const body = rows.map((r) => [
    r.system,
    fmt(r.reads),
    fmt(r.violations.readYourWrites),
    // Baselines have no EventSub listener: nothing is "received", so the promise does not apply to them.
    r.eventsReceived ? fmt(r.violations.eventStaleness) : 'n/a',
    fmt(r.violations.monotonicReads),
    fmt(r.violations.staleFills),
    fmt(r.violations.restartSafety),
    `${(r.hitRate * 100).toFixed(2)}%`,
    fmt(r.helixRequests),
    fmt(r.helixPerTokenPerMinute),
    r.readLatencyUs.p50.toFixed(2),
    r.readLatencyUs.p99.toFixed(2),
    ms(r.stalenessMs),
  ]);
  return [
    ...grid(head, body),
    '  req/min/token: Helix requests per minute of the busiest token; Twitch allows 800 points per minute per token',
    '',
    ...grid(resourceStaleness(rows).head, resourceStaleness(rows).body),
    '',
    ...resourceLines(rows),
    ...rows.filter((r) => r.notes.length > 0).map((r) => `  ${r.system}: ${r.notes.join('; ')}`),
    ...(soak ? ['', ...grid(soakBuckets(rows).head, soakBuckets(rows).body)] : []),
  ].join('\n');
}

/**
 * Staleness against truth per resource (p50/p99/max ms), one column per system, next to Twitch's event delay (from
 * a change's commit to its event's receipt, as the first row with an EventSub listener measured it).
 */
export function resourceStaleness(rows: RowSummary[]): { head: string[]; body: string[][] } {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r.byResource)))];
  const withEvents = rows.find((r) => Object.values(r.byResource).some((x) => x.eventDelayMs?.events));
  const head = ['staleness p50/p99/max ms', 'Twitch event delay', ...rows.map((r) => r.system)];
  const body = names.map((name) => [
    name,
    ms(withEvents?.byResource[name]?.eventDelayMs),
    ...rows.map((r) => ms(r.byResource[name]?.stalenessMs)),
  ]);
  return { head, body };
}

/** The soak: per minute, each row's staleness p99/max (ms), to see whether it grows. */
export function soakBuckets(rows: RowSummary[]): { head: string[]; body: string[][] } {
  const buckets = Math.max(0, ...rows.map((r) => r.stalenessOverTime.length));
  const head = ['minute', ...rows.map((r) => `${r.system} p99/max ms`)];
  const body = Array.from({ length: buckets }, (_, b) => [
    String(b + 1),
    ...rows.map((r) => {
      const x = r.stalenessOverTime[b];
      return x ? `${x.p99.toFixed(0)}/${x.max.toFixed(0)}` : '-';
    }),
  ]);
  return { head, body };
}

/**
 * The footer: per row, each resource's reads and violations (RYW/event/mono/stale fill/restart, as the columns
 * above), plus list reads that equal no committed state.
 */
function resourceLines(rows: RowSummary[]): string[] {
  const out = [
    'per resource: reads, violations RYW/event/mono/stale fill/restart as in the columns above. Lists (vips,',
    '  moderators, bans) are held to their members (a read lacks a user whose add its process wrote or was told of, or',
    '  has one whose removal it was told of; restart safety as for every key). Phantom: list reads showing a set no',
    '  version held (a change still on its way, or lost), and what whole-list versions would count (information: no',
    '  client can know a change before its event). Bans: a timeout that ran out sends no event (staleness only)',
  ];
  const width = Math.max(...rows.map((r) => r.system.length));
  for (const r of rows) {
    const parts = Object.entries(r.byResource).map(([name, x]) => {
      const v = x.violations;
      const counts = [v.readYourWrites, v.eventStaleness, v.monotonicReads, v.staleFills, v.restartSafety].map(fmt);
      const pv = x.perVersion;
      const perVersion = pv
        ? ` (whole-list ${[pv.readYourWrites, pv.eventStaleness, pv.monotonicReads, pv.staleFills, pv.restartSafety].map(fmt).join('/')})`
        : '';
      return `${name} ${fmt(x.reads)} ${counts.join('/')}${x.phantom ? `, ${fmt(x.phantom)} phantom` : ''}${perVersion}`;
    });
    out.push(`  ${r.system.padEnd(width)}  ${parts.join('; ')}`);
  }
  return out;
}

/** A one-line progress bar on stderr (redrawn in place on a terminal, a line per update otherwise). */
export class ProgressBar {
  #last = 0;
  readonly #tty = process.stderr.isTTY === true;

  update(label: string, fraction: number, reads: number): void {
    const now = Date.now();
    if (!this.#tty && now - this.#last < 5000 && fraction < 1) return;
    this.#last = now;
    const width = 30;
    const done = Math.round(Math.min(1, Math.max(0, fraction)) * width);
    // A row can run past its duration (the Redis row waits for its processes to finish): the bar stops at 100%.
    const percent = Math.min(100, Math.max(0, fraction * 100));
    const bar = `[${'#'.repeat(done)}${'-'.repeat(width - done)}] ${percent.toFixed(0).padStart(3)}%`;
    const text = `${bar} ${label}: ${fmt(reads)} reads`;
    if (this.#tty) process.stderr.write(`\r${text.padEnd(100)}`);
    else process.stderr.write(`${text}\n`);
  }

  done(): void {
    if (this.#tty) process.stderr.write('\n');
  }
}
