/** The console table and the progress bar. */
import type { RowSummary } from './summary.js';

const fmt = (n: number) => n.toLocaleString('en-US');

/** A fixed-width table of the rows, one line each. */
export function renderTable(rows: RowSummary[]): string {
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
    r.readLatencyUs.p50.toFixed(2),
    r.readLatencyUs.p99.toFixed(2),
    `${r.stalenessMs.p50.toFixed(0)}/${r.stalenessMs.p99.toFixed(0)}/${r.stalenessMs.max.toFixed(0)}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
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
