/** The HTML report: the table, and per row a latency distribution and staleness over time, as inline SVG. */
import type { RowSummary } from './summary.js';
import { resourceStaleness, soakBuckets } from './table.js';

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const COLORS = ['#d62728', '#ff7f0e', '#9467bd', '#2ca02c', '#1f77b4', '#8c564b'];

/** Log-binned latency histograms of every row, overlaid as step lines (x: µs, log scale; y: share of reads). */
function latencyChart(rows: RowSummary[]): string {
  const W = 720;
  const H = 260;
  const pad = 40;
  const all = rows.flatMap((r) => r.charts.latency.edges);
  if (all.length === 0) return '';
  const lo = Math.log10(Math.min(...all) / 1.2);
  const hi = Math.log10(Math.max(...all));
  const x = (v: number) => pad + ((Math.log10(v) - lo) / (hi - lo || 1)) * (W - 2 * pad);
  const maxShare = Math.max(
    ...rows.map((r) => Math.max(...r.charts.latency.counts.map((c) => c / Math.max(1, r.reads)), 0)),
    0.01,
  );
  const y = (share: number) => H - pad - (share / maxShare) * (H - 2 * pad);
  const lines = rows.map((r, i) => {
    const pts = r.charts.latency.edges.map(
      (e, j) => `${x(e).toFixed(1)},${y(r.charts.latency.counts[j]! / r.reads).toFixed(1)}`,
    );
    return `<polyline fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="2" points="${pts.join(' ')}"/>`;
  });
  const ticks: string[] = [];
  for (let d = Math.ceil(lo); d <= Math.floor(hi); d++) {
    const v = 10 ** d;
    ticks.push(
      `<line x1="${x(v)}" x2="${x(v)}" y1="${pad}" y2="${H - pad}" stroke="#ddd"/><text x="${x(v)}" y="${H - pad + 14}" font-size="11" text-anchor="middle">${v >= 1000 ? `${v / 1000} ms` : `${v} µs`}</text>`,
    );
  }
  return svg(
    W,
    H,
    [...ticks, ...lines, legend(rows, W)].join(''),
    'Read latency distribution (share of reads per log bin)',
  );
}

/** Max and mean staleness against truth per time bucket, one line per row. */
function stalenessChart(rows: RowSummary[]): string {
  const W = 720;
  const H = 260;
  const pad = 40;
  const tMax = Math.max(...rows.flatMap((r) => r.charts.stalenessOverTime.map((p) => p.t)), 1);
  const sMax = Math.max(...rows.flatMap((r) => r.charts.stalenessOverTime.map((p) => p.max)), 1);
  const x = (t: number) => pad + (t / tMax) * (W - 2 * pad);
  const y = (s: number) => H - pad - (s / sMax) * (H - 2 * pad);
  const lines = rows.map((r, i) => {
    const pts = r.charts.stalenessOverTime.map((p) => `${x(p.t).toFixed(1)},${y(p.max).toFixed(1)}`);
    return `<polyline fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="2" points="${pts.join(' ')}"/>`;
  });
  const axis = `<text x="${pad}" y="${pad - 8}" font-size="11">${sMax.toFixed(0)} ms</text><text x="${W - pad}" y="${H - pad + 14}" font-size="11" text-anchor="end">${tMax.toFixed(0)} s</text><line x1="${pad}" x2="${W - pad}" y1="${H - pad}" y2="${H - pad}" stroke="#999"/>`;
  return svg(
    W,
    H,
    axis + lines.join('') + legend(rows, W),
    'Staleness against truth over the run (max per bucket, ms)',
  );
}

function legend(rows: RowSummary[], W: number): string {
  return rows
    .map(
      (r, i) =>
        `<rect x="${W - 250}" y="${10 + i * 14}" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/><text x="${W - 236}" y="${19 + i * 14}" font-size="11">${esc(r.system)}</text>`,
    )
    .join('');
}

function svg(W: number, H: number, body: string, title: string): string {
  return `<figure><figcaption>${esc(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img">${body}</svg></figure>`;
}

/** A head and body of text cells as an HTML table. */
function htmlTable(t: { head: string[]; body: string[][] }): string {
  const row = (cells: string[], tag: string) =>
    `<tr>${cells.map((c, i) => `<${i === 0 ? 'th' : tag}>${esc(c)}</${i === 0 ? 'th' : tag}>`).join('')}</tr>`;
  return `<table>${row(t.head, 'th')}${t.body.map((b) => row(b, 'td')).join('')}</table>`;
}

/** The run's settings as a line a person reads: `seed: 1 · durationS: 20 · ...`. */
function describeRun(meta: Record<string, unknown>): string {
  return Object.entries(meta)
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' · ');
}

/** The whole report as one self-contained HTML page (no external assets). */
export function renderReport(rows: RowSummary[], meta: Record<string, unknown>): string {
  const cell = (v: unknown) => `<td>${esc(String(v))}</td>`;
  const tr = rows
    .map(
      (r) =>
        `<tr><th>${esc(r.system)}</th>${[
          r.reads.toLocaleString('en-US'),
          r.violations.readYourWrites.toLocaleString('en-US'),
          r.eventsReceived ? r.violations.eventStaleness.toLocaleString('en-US') : 'n/a',
          r.violations.monotonicReads.toLocaleString('en-US'),
          r.violations.staleFills.toLocaleString('en-US'),
          r.violations.restartSafety.toLocaleString('en-US'),
          `${(r.hitRate * 100).toFixed(2)}%`,
          r.helixRequests.toLocaleString('en-US'),
          r.helixPerTokenPerMinute.toLocaleString('en-US'),
          r.readLatencyUs.p50,
          r.readLatencyUs.p99,
          `${r.stalenessMs.p50} / ${r.stalenessMs.p99} / ${r.stalenessMs.max}`,
          r.deltaMs,
        ]
          .map(cell)
          .join('')}</tr>`,
    )
    .join('');
  const fmt = (n: number) => n.toLocaleString('en-US');
  const perResource = rows
    .flatMap((r) =>
      Object.entries(r.byResource).flatMap(([name, x]) => {
        const v = x.violations;
        const line = (label: string, c: typeof v) =>
          `<tr><th>${esc(r.system)}</th><th>${esc(label)}</th>${[
            fmt(x.reads),
            fmt(c.readYourWrites),
            r.eventsReceived ? fmt(c.eventStaleness) : 'n/a',
            fmt(c.monotonicReads),
            fmt(c.staleFills),
            fmt(c.restartSafety),
            fmt(x.phantom),
            x.stalenessMs && c === v
              ? `${x.stalenessMs.p50.toFixed(0)} / ${x.stalenessMs.p99.toFixed(0)} / ${x.stalenessMs.max.toFixed(0)}`
              : '',
          ]
            .map(cell)
            .join('')}</tr>`;
        return [
          line(name, v),
          ...(x.perVersion ? [line(`${name}, per whole-list version (information)`, x.perVersion)] : []),
        ];
      }),
    )
    .join('');
  const resourceExamples = rows
    .flatMap((r) =>
      Object.entries(r.byResource).map(([name, x]) => {
        const items = [...x.examples, ...(x.perChange?.examples.map((e) => `per change: ${e}`) ?? [])];
        return items.length
          ? `<h3>${esc(r.system)}: ${esc(name)}</h3><ul>${items.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>`
          : '';
      }),
    )
    .join('');
  const examples = rows
    .map((r) => {
      const items = Object.entries(r.examples).flatMap(([k, list]) =>
        list.map((e) => `<li><b>${k}</b>: ${esc(e)}</li>`),
      );
      return items.length ? `<h3>${esc(r.system)}</h3><ul>${items.join('')}</ul>` : '';
    })
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Twitchify consistency benchmark</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{text-align:left}figure{margin:1.5em 0}figcaption{font-weight:600}</style></head><body>
<h1>Twitchify consistency benchmark</h1>
<p>${esc(describeRun(meta))}</p>
<table><tr><th>system</th><th>reads</th><th>read-your-writes</th><th>event-bounded</th><th>monotonic</th><th>stale fills</th><th>restart safety</th><th>hit rate</th><th>Helix requests</th><th>Helix req / min / token (Twitch: 800 points)</th><th>p50 µs</th><th>p99 µs</th><th>staleness p50 / p99 / max ms</th><th>δ ms</th></tr>${tr}</table>
<h2>Staleness per resource, next to Twitch's event delay</h2>
<p>Staleness against truth (p50 / p99 / max ms) of each system's reads of each resource; Twitch's event delay is
from a change's commit to its event's receipt (the floor for changes made outside); raw Helix's column is Helix's own
lag (and, for streams, its flapping for up to a minute after each change).</p>
${htmlTable(resourceStaleness(rows))}
${rows.some((r) => r.stalenessOverTime.length > 0 && meta.scenario?.toString().startsWith('soak')) ? `<h2>Staleness per minute (soak)</h2>${htmlTable(soakBuckets(rows))}` : ''}
<h2>Per resource</h2>
<p>The catalog: channel (title), user (description), stream (online with its id, or offline), chat_settings (follower
mode duration), and each process's own vips, moderators, bans (half of them timeouts that run out with no event) and
rewards (titles). Lists change one member at a time and are held to their members: a read breaks a promise when it lacks a user
whose add its process acknowledged or received, or has one whose removal it did (restart safety as for every key).
Phantom: a list read showing a set no version held, while an outside change's event was on its way; "per whole-list
version" counts what whole-list versions would (information: no client can know a change before its event).</p>
<table><tr><th>system</th><th>resource</th><th>reads</th><th>read-your-writes</th><th>event-bounded</th><th>monotonic</th><th>stale fills</th><th>restart safety</th><th>phantom</th><th>staleness p50 / p99 / max ms</th></tr>${perResource}</table>
${latencyChart(rows)}${stalenessChart(rows)}
<h2>Example violations</h2>${examples || '<p>none</p>'}
<h2>Example violations per resource</h2>${resourceExamples || '<p>none</p>'}
</body></html>`;
}
