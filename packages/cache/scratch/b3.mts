import { Redis } from 'ioredis';
import { createCache } from '../src/index.js';
import { readReply } from '../src/wire/replies.js';
const url = 'redis://127.0.0.1:6379';
const c = createCache({ memory: false, redis: { url, prefix: 'bx3:' } });
while (!c.stats().bus.connected) await new Promise((r) => setTimeout(r, 5));
const load = async () => ({ a: 'x'.repeat(300) });
await c.read('k', { load });
const r = new Redis(url);
await r.set('rawk', JSON.stringify({ a: 'x'.repeat(300) }));
const now = () => Number(process.hrtime.bigint()) / 1e3;
async function lat(f: () => Promise<unknown>) { const xs: number[] = []; for (let i = 0; i < 4000; i++) { const t = now(); await f(); xs.push(now() - t); } xs.sort((a, b) => a - b); return xs[2000]!.toFixed(1); }
const sample = [2, 7, 5, '', JSON.stringify({ a: 'x'.repeat(300) }), 59000, []];
let t = now(); for (let i = 0; i < 100000; i++) readReply.safeParse(sample); console.log('zod parse µs', ((now() - t) / 100000).toFixed(2));
for (let round = 0; round < 3; round++) {
  console.log(`GET ${await lat(() => r.get('rawk'))} | cache ${await lat(() => c.read('k', { load }))}`);
}
const { Session } = await import('node:inspector/promises');
const s = new Session(); s.connect(); await s.post('Profiler.enable'); await s.post('Profiler.start');
for (let i = 0; i < 20000; i++) await c.read('k', { load });
const { profile } = await s.post('Profiler.stop') as any;
const self = new Map<string, number>();
const dt = profile.timeDeltas as number[]; const idx = new Map(profile.nodes.map((n: any) => [n.id, n]));
profile.samples.forEach((id: number, i: number) => { const n: any = idx.get(id); const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + (dt[i] ?? 0)); });
console.log([...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${(v / 1000).toFixed(0)}ms ${k}`).join('\n'));
await c.close(); r.disconnect();
