import { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import { READ } from '../src/redis/scripts.js';
const r = new Redis('redis://127.0.0.1:6379');
const sha = await r.script('LOAD', READ) as string;
const b = '{bx:}';
await r.hset(`${b}v:k`, 'v', 5);
await r.hset(`${b}d:k`, 's', 7, 'k', 5, 'm', '', 'v', JSON.stringify({ a: 'x'.repeat(300) }));
await r.pexpire(`${b}d:k`, 600000);
await r.set('rawk', JSON.stringify({ a: 'x'.repeat(300) }));
const noop = await r.script('LOAD', 'return 1') as string;
const now = () => Number(process.hrtime.bigint()) / 1e3;
async function lat(f: () => Promise<unknown>) { const xs: number[] = []; for (let i = 0; i < 5000; i++) { const t = now(); await f(); xs.push(now() - t); } xs.sort((a, b) => a - b); return xs[2500]; }
for (let round = 0; round < 2; round++) {
  console.log('GET', await lat(() => r.get('rawk')));
  console.log('EVALSHA noop', await lat(() => r.evalsha(noop, 0)));
  console.log('EVALSHA read', await lat(() => r.evalsha(sha, 4, `${b}v:k`, `${b}d:k`, `${b}l:k`, `${b}w:k`, b, '0', '0', '3000', 'o', '0', '0')));
  console.log('HMGET', await lat(() => r.hmget(`${b}d:k`, 's', 'k', 'm', 'v')));
}
r.disconnect();
