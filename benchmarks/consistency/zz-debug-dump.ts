// TEMPORARY debug script (to be deleted): runs the Redis row and dumps context of violations.
import { epochOffset, sharedClock } from './recorder.js';
import { runMultiProcessRow } from './multi-row.js';
import type { RunSettings } from './row.js';
const clock = sharedClock(epochOffset());
const dur = Number(process.argv[2] ?? 5);
const s: RunSettings = { seed: Number(process.argv[3] ?? 1), durationMs: dur * 1000, keys: 50, writeEveryMs: 100, externalEveryMs: 50, dropEveryMs: 7000, strictShare: 0.01, maxReadsPerProcess: 5_000_000, clock };
const { result } = await runMultiProcessRow(s, { processes: 3, redisUrl: 'redis://127.0.0.1:6379', restart: true }, () => {});
const h = result.history;
const c = result.check;
console.log('delta', result.deltaMs, JSON.stringify(c.violations), 'reads', c.reads, 'restarts', JSON.stringify(h.restarts));
const t0 = Math.min(...h.restarts.map((r) => r.downAt), Number.POSITIVE_INFINITY);
const f = (x: number) => (x % 100000).toFixed(1);
for (const [k, ex] of Object.entries(c.examples)) for (const e of ex) console.log(k, e);
const keyName = (i: number) => h.keys[i];
const m = /read (channel:\d+)/;
const seen = new Set<string>();
for (const ex of [...c.examples.restartSafety, ...c.examples.eventStaleness, ...c.examples.monotonicReads, ...c.examples.readYourWrites]) {
  const km = m.exec(ex);
  if (!km || seen.has(km[1]!)) continue;
  seen.add(km[1]!);
  const k = h.keys.indexOf(km[1]!);
  console.log('==== key', km[1], 'k', k);
  console.log('gaps', h.gaps.filter((g) => g.key === k).map((g) => `p${g.proc}[${f(g.start)},${f(g.end)}]`).join(' '));
  console.log('source', h.sourceReads.filter((x) => x.key === k).map((x) => f(x.at)).join(' '));
  console.log('events', h.events.filter((x) => x.key === k).map((x) => `p${x.proc}@${f(x.at)}v${x.version}`).join(' '));
  console.log('acks', h.acks.filter((x) => x.key === k).map((x) => `p${x.proc}@${f(x.at)}v${x.version}`).join(' '));
  console.log('truth', (h.truth[k] ?? []).map((x) => `v${x.version}@${f(x.committedAt)}`).join(' '));
  const r = h.reads;
  const lines: string[] = [];
  let last = '';
  for (let i = 0; i < r.size; i++) {
    if (r.key[i] !== k) continue;
    const d = `p${r.proc[i]} v${r.version[i]}${r.isFromCache(i) ? 'c' : 'L'}${r.isStrict(i) ? 's' : ''}`;
    if (d === last) continue;
    last = d;
    lines.push(`${f(r.start[i]!)}-${f(r.end[i]!)} ${d}`);
  }
  console.log(lines.join('\n'));
}
void t0; void keyName;
process.exit(0);
