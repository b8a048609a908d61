/**
 * What happened to one key around a violation, in time order, for the failure message of a fault row: the versions
 * Twitch committed (and whether by the app's write or on twitch.tv), the writes acknowledged, the events received,
 * the coverage gaps, the Helix reads, what the Client logged of the key, and the reads (a run of reads that returned
 * one version is one line). A row's examples say which read broke a promise; this says why.
 */
import type { HistoryEntry } from '@twitchify/mock';
import type { History } from '../../benchmarks/consistency/history.js';

/** A line the Client logged, on the row's clock. */
export interface LogLine {
  at: number;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown> | undefined;
}

/** How far before and after the first violating read the timeline reaches (ms). */
const BEFORE_MS = 1500;
const AFTER_MS = 300;
/** Lines at most: a failure message stays readable. */
const MAX_LINES = 120;
const HELIX_READ = 'Helix read';

/** `p0 read channel:123 at [start, end] got v8, needed >= v9 ...`: the key and start of a checker example. */
function exampleRead(example: string): { key: string; start: number } | undefined {
  const m = /read (\S+) at \[([\d.]+),/.exec(example);
  return m ? { key: m[1]!, start: Number(m[2]) } : undefined;
}

/**
 * The timeline of the key of the first example among `examples` (the checker's), or '' when no example names a
 * read. `committed` is the emulator's history of that key.
 */
export function timelineOf(
  history: History,
  examples: readonly string[],
  committed: (key: string) => readonly HistoryEntry[],
  logs: readonly LogLine[],
): string {
  const first = examples.map(exampleRead).find((x) => x !== undefined);
  if (!first) return '';
  const k = history.keys.indexOf(first.key);
  if (k < 0) return '';
  const from = first.start - BEFORE_MS;
  const to = first.start + AFTER_MS;
  const inWindow = (t: number) => t >= from && t <= to;
  const rel = (t: number) => `${t - first.start >= 0 ? '+' : ''}${(t - first.start).toFixed(3)}`;
  const lines: { at: number; text: string }[] = [];
  const add = (at: number, text: string) => {
    if (inWindow(at)) lines.push({ at, text });
  };
  for (const h of committed(first.key)) {
    const title = (h.state as { title?: unknown } | undefined)?.title;
    add(h.committedAt, `commit v${h.version} (${h.origin})${typeof title === 'string' ? ` "${title}"` : ''}`);
  }
  for (const a of history.acks) if (a.key === k) add(a.at, `p${a.proc} write acknowledged: v${a.version}`);
  for (const e of history.events) if (e.key === k) add(e.at, `p${e.proc} event received: v${e.version}`);
  for (const g of history.gaps) {
    if (g.key !== k) continue;
    add(g.start, `p${g.proc} coverage gap starts (ends ${(g.end - g.start).toFixed(1)} ms later)`);
    add(g.end, `p${g.proc} coverage gap ends`);
  }
  for (const s of history.sourceReads) if (s.key === k) add(s.at, HELIX_READ);
  for (const l of logs) {
    const target = l.fields?.target ?? l.fields?.key;
    if (target === first.key || l.level !== 'debug') {
      add(l.at, `log ${l.level}: ${l.message} ${JSON.stringify(l.fields ?? {})}`);
    }
  }
  // reads: one line per run of one process reading one version the same way
  const r = history.reads;
  let run: { proc: number; version: number; cached: boolean; start: number; end: number; n: number } | undefined;
  const flush = () => {
    if (!run) return;
    const span = run.n > 1 ? ` .. ${run.end.toFixed(3)} (${run.n} reads)` : `, ended ${run.end.toFixed(3)}`;
    add(run.start, `p${run.proc} read v${run.version}${run.cached ? ' from the cache' : ' via Helix'}${span}`);
    run = undefined;
  };
  for (let i = 0; i < r.size; i++) {
    if (r.key[i] !== k || !inWindow(r.start[i]!)) continue;
    const proc = r.proc[i]!;
    const version = r.version[i]!;
    const cached = r.isFromCache(i);
    if (run && run.proc === proc && run.version === version && run.cached === cached) {
      run.end = r.end[i]!;
      run.n++;
      continue;
    }
    flush();
    run = { proc, version, cached, start: r.start[i]!, end: r.end[i]!, n: 1 };
  }
  flush();
  lines.sort((a, b) => a.at - b.at);
  // Helix reads come by the hundred while nothing is cached: a run of them with nothing between is one line
  const merged: { at: number; text: string }[] = [];
  let helix = 0;
  for (const l of lines) {
    const last = merged.at(-1);
    if (l.text === HELIX_READ && last !== undefined && last.text.startsWith(HELIX_READ)) {
      helix++;
      last.text = `${HELIX_READ}s: ${helix} until ${rel(l.at)}`;
      continue;
    }
    helix = 1;
    merged.push({ ...l });
  }
  const shown = merged.length > MAX_LINES ? merged.slice(-MAX_LINES) : merged;
  return [
    `timeline of ${first.key}, ms relative to the first violating read (${first.start.toFixed(3)}):`,
    ...shown.map((l) => `${rel(l.at).padStart(10)}  ${l.text}`),
  ].join('\n');
}
