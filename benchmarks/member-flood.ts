/**
 * A flood of VIP add/remove events through one EventSub socket into a Client on the in-memory cache, measured
 * against the same events handled by a bare handler (no cache) in the same run. Run:
 * `npx tsx benchmarks/member-flood.ts [events] [rounds]` (default 20000 and 3). Prints events per second through
 * the Client, the heap growth, and whether the Client's list equals the emulator's at the end; writes
 * benchmarks/results/member-flood.json.
 *
 * Goals (issue 11): member events >= 10,000/s per process, memory flat over the flood, every member right at the end.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Client } from '@twitchify/core';

const events = Number(process.argv[2] ?? 20_000);
const rounds = Number(process.argv[3] ?? 3);

// the emulator in a process of its own: this process's heap and CPU are the Client's
const child = spawn(
  process.execPath,
  ['--import', 'tsx', fileURLToPath(new URL('eventsub/memberEmulatorProcess.ts', import.meta.url))],
  {
    stdio: ['pipe', 'pipe', 'inherit'],
  },
);
const lines = createInterface({ input: child.stdout! });
const nextLine = () => new Promise<string>((resolve) => lines.once('line', resolve));
const info = JSON.parse(await nextLine()) as {
  urls: { helix: string; oauth: string; eventsubWs: string };
  clientId: string;
  token: string;
  broadcaster: string;
};
const b = info.broadcaster;
const client = new Client({
  clientId: info.clientId,
  urls: { helix: info.urls.helix, oauth: info.urls.oauth, eventsubWs: info.urls.eventsubWs },
  logLevel: 'silent',
});
await client.run({ accessToken: info.token });
let handled = 0;
client.on('channel.vip.add', () => handled++);
client.on('channel.vip.remove', () => handled++);
await client.channels.getVips(b);
while (!client.cacheReport().feeds.active.some((f) => f.startsWith('channel.vip.add@1'))) {
  await new Promise((r) => setTimeout(r, 20));
}

const out: { eventsPerSecond: number; eventsPerCpuSecond: number; heapGrowthMiB: number; listRight: boolean }[] = [];
for (let r = 0; r < rounds; r++) {
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const target = handled + events;
  const start = performance.now();
  const cpuBefore = process.cpuUsage();
  child.stdin!.write(`flood ${events}\n`);
  const sent = await nextLine();
  while (handled < target) await new Promise((resolve) => setTimeout(resolve, 5));
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  global.gc?.();
  const heapGrowthMiB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  const truth = new Set(JSON.parse(sent.slice('sent '.length)) as string[]);
  const listed = new Set((await client.channels.getVips(b)).map((v) => v.userId));
  const listRight = listed.size === truth.size && [...truth].every((u) => listed.has(u));
  // the Client's own cost: events per second of this process's CPU (the emulator runs in another)
  out.push({ eventsPerSecond: events / seconds, eventsPerCpuSecond: events / cpuSeconds, heapGrowthMiB, listRight });
  console.log(
    `round ${r + 1}: ${(events / seconds).toFixed(0)} events/s through the Client (${(events / cpuSeconds).toFixed(0)} per second of its CPU), heap ${heapGrowthMiB >= 0 ? '+' : ''}${heapGrowthMiB.toFixed(1)} MiB, list ${listRight ? 'equals' : 'DIFFERS FROM'} the emulator's`,
  );
}
mkdirSync(new URL('results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('results/member-flood.json', import.meta.url),
  `${JSON.stringify({ events, rounds, out }, null, 2)}\n`,
);
await client.close();
child.stdin!.write('stop\n');
