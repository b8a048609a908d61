import { Redis } from 'ioredis';
import { READ } from '../src/redis/scripts.js';
const r = new Redis('redis://127.0.0.1:6379');
const b = '{bx:}';
const variants: Record<string, string> = {
  get: `return redis.call('GET', 'rawk')`,
  hget_hmget: `local kv = redis.call('HGET', KEYS[1], 'v'); local d = redis.call('HMGET', KEYS[2], 's','k','m','v'); return {2, d[1], kv, d[3], d[4]}`,
  plus_time: `local t = redis.call('TIME'); local kv = redis.call('HGET', KEYS[1], 'v'); local d = redis.call('HMGET', KEYS[2], 's','k','m','v'); return {2, d[1], kv, d[3], d[4]}`,
  plus_pttl: `local kv = redis.call('HGET', KEYS[1], 'v'); local d = redis.call('HMGET', KEYS[2], 's','k','m','v'); return {2, d[1], kv, d[3], d[4], redis.call('PTTL', KEYS[2])}`,
  full: READ,
};
const shas: Record<string, string> = {};
for (const [k, v] of Object.entries(variants)) shas[k] = await r.script('LOAD', v) as string;
const now = () => Number(process.hrtime.bigint()) / 1e3;
async function lat(f: () => Promise<unknown>) { const xs: number[] = []; for (let i = 0; i < 4000; i++) { const t = now(); await f(); xs.push(now() - t); } xs.sort((a, b) => a - b); return xs[2000]!.toFixed(1); }
for (let round = 0; round < 3; round++) {
  const out: string[] = [`GET ${await lat(() => r.get('rawk'))}`];
  for (const k of Object.keys(variants)) out.push(`${k} ${await lat(() => r.evalsha(shas[k]!, 4, `${b}v:k`, `${b}d:k`, `${b}l:k`, `${b}w:k`, b, '0', '0', '3000', 'o', '0', '0'))}`);
  console.log(out.join(' | '));
}
r.disconnect();
