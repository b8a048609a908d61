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
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line), '', ...resourceLines(rows)].join(
    '\n',
  );
}

/**
 * The footer: the resources the workload covers and, per row, each resource's reads and violations
 * (RYW/event/mono/stale fill/restart, as the columns above), plus VIP reads that equal no committed state.
 */
function resourceLines(rows: RowSummary[]): string[] {
  const out = [
    'resources: channel (channel info: title writes, channel.update carries the full state) and vips (own VIP list:',
    '  add/remove writes and channel.vip.add/remove events each change one user, applied to the current list);',
    '  per resource: reads, violations RYW/event/mono/stale fill/restart as in the columns above, staleness against',
    '  truth p50/p99/max. A list is held to its members (a read lacks a user whose add its process wrote or was told',
    '  of, or has one whose removal it was told of; restart safety as for every key). Phantom: list reads showing a',
    '  set no version held (a change still on its way, or lost), and what whole-list versions would count',
    '  (information: no client can know a change before its event)',
  ];
  const width = Math.max(...rows.map((r) => r.system.length));
  for (const r of rows) {
    const parts = Object.entries(r.byResource).map(([name, x]) => {
      const v = x.violations;
      const counts = [v.readYourWrites, v.eventStaleness, v.monotonicReads, v.staleFills, v.restartSafety].map(fmt);
      const pv = x.perVersion;
      const age = x.perChange?.unreflectedMs;
      const perVersion = pv
        ? `, per whole-list version ${[pv.readYourWrites, pv.eventStaleness, pv.monotonicReads, pv.staleFills, pv.restartSafety].map(fmt).join('/')}` +
          (age && age.max > 0
            ? ` (a told change unreflected p50/max ${age.p50.toFixed(0)}/${age.max.toFixed(0)} ms)`
            : '')
        : '';
      const st = x.stalenessMs;
      const stale = st ? `, stale ${st.p50.toFixed(0)}/${st.p99.toFixed(0)}/${st.max.toFixed(0)} ms` : '';
      return `${name} ${fmt(x.reads)} reads ${counts.join('/')}${stale}${x.phantom ? `, ${fmt(x.phantom)} phantom` : ''}${perVersion}`;
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
