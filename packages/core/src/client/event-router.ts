/**
 * Turns EventSub notifications into the changes they say happened, as the catalog's rows state them
 * (`EventRule.changes`, `catalog/event-changes.ts`): recorded in the coherence model for every read the event
 * changes; an event that only says something changed records a reload.
 */
import { CATALOG } from '../catalog/entries.js';
import type { EventRule, ResourceKind } from '../catalog/types.js';
import type { EventChange, ResourceCache } from './resource-cache.js';

/** Per `type@version`, the reads it changes and how: built once from the catalog. */
const ROUTES: ReadonlyMap<string, readonly { kind: ResourceKind; rule: EventRule }[]> = (() => {
  const routes = new Map<string, { kind: ResourceKind; rule: EventRule }[]>();
  for (const entry of CATALOG) {
    for (const rule of entry.events) {
      const key = `${rule.type}@${rule.version}`;
      const list = routes.get(key) ?? [];
      if (list.length === 0) routes.set(key, list);
      list.push({ kind: entry.kind, rule });
    }
  }
  return routes;
})();

/** Records one notification (`key` = `type@version`). Types no catalog row names change nothing. */
export async function routeEvent(rc: ResourceCache, key: string, event: unknown, change: EventChange): Promise<void> {
  const routes = ROUTES.get(key);
  if (routes === undefined) return;
  const ev = event as Readonly<Record<string, unknown>>;
  const jobs: Promise<void>[] = [];
  for (const { kind, rule } of routes) {
    const id = ev[rule.idField ?? 'broadcasterUserId'];
    if (typeof id !== 'string' || id === '') continue;
    jobs.push(
      rule.effect === 'patch' && rule.changes !== undefined
        ? rc.record(kind, id, change, rule.changes(ev))
        : rc.reload(kind, id, change),
    );
  }
  await Promise.all(jobs);
}
