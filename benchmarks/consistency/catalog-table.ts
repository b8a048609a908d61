/** Prints the resource catalog as a Markdown table (pasted into docs/consistency.md): `npx tsx benchmarks/consistency/catalog-table.ts`. */
import { CATALOG } from '@twitchify/core';

const ttl = (ms: number) => (ms >= 60_000 ? `${ms / 60_000} min` : `${ms / 1000} s`);
const rows = CATALOG.map((e) => [
  `\`${e.name}\``,
  `\`${e.key}\`${e.userScoped ? ' per reader' : ''}`,
  ttl(e.ttlMs),
  e.writes.map((w) => `${w.method} (${w.effect}, from ${w.source})`).join('<br>') || '—',
  e.events.map((x) => `${x.type} (${x.effect})`).join('<br>') || '—',
  e.feeds.length ? [...new Set(e.feeds.flatMap((f) => f.scopes))].join(', ') || 'none' : '—',
  e.readScopes.join(' or ') || 'any token',
  e.ttlBoundBecause ?? '',
]);
const head = [
  'read',
  'key',
  'TTL ceiling',
  'writes (write-through)',
  'events',
  'feed scopes',
  'read scopes',
  'bounded by TTL because',
];
console.log(`| ${head.join(' | ')} |`);
console.log(`| ${head.map(() => '---').join(' | ')} |`);
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
