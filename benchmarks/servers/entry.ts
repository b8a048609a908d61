import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Where the wire-speed benchmarks load a Twitchify package from: this checkout, or (`baseline`) the checkout named by
 * `TWITCHIFY_BASELINE`, so that a change and the code before it run side by side in one run. `TWITCHIFY_ENTRY=dist`
 * loads the built package (`npm run build` first), as an app does; the default is the TypeScript source through tsx.
 * `module` names another module of the package than its index (`connection`).
 */
export function twitchifyEntry(pkg: 'core' | 'eventsub', baseline = false, module = 'index'): string {
  const tree = baseline ? process.env.TWITCHIFY_BASELINE : join(import.meta.dirname, '..', '..');
  if (!tree) throw new Error('TWITCHIFY_BASELINE names no checkout');
  const file = process.env.TWITCHIFY_ENTRY === 'dist' ? `dist/${module}.js` : `src/${module}.ts`;
  return pathToFileURL(resolve(tree, 'packages', pkg, file)).href;
}

/** The clients of a benchmark, with `twitchify-baseline` after `twitchify` when a baseline checkout is named. */
export function withBaseline(clients: string[]): string[] {
  if (!process.env.TWITCHIFY_BASELINE) return clients;
  const at = clients.indexOf('twitchify');
  return [...clients.slice(0, at + 1), 'twitchify-baseline', ...clients.slice(at + 1)];
}

/** Smallest and largest of each figure over the rounds: the spread next to each median. */
export function spread<T extends object>(rounds: T[]): Record<keyof T, [number, number]> {
  const out = {} as Record<keyof T, [number, number]>;
  for (const key of Object.keys(rounds[0] ?? {}) as (keyof T)[]) {
    const xs = rounds.map((r) => Number(r[key]));
    out[key] = [Math.min(...xs), Math.max(...xs)];
  }
  return out;
}
