/** Which cached resources a feed keeps fresh: the tags to drop when the feed has a gap. */
import { CATALOG } from '../catalog/entries.js';

/** `channel.update` for broadcaster 42 → [`channel:42`, `stream:42`]. */
export function tagsOfFeed(spec: { type: string; condition: Readonly<Record<string, unknown>> }): string[] {
  const id = spec.condition.broadcaster_user_id ?? spec.condition.user_id;
  if (typeof id !== 'string') return [];
  return CATALOG.filter((e) => e.feeds.some((f) => f.type === spec.type)).map((e) => `${e.kind}:${id}`);
}
