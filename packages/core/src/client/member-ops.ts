/** The declarative changes of a list read one member at a time, as the coherence model records them. */
import type { Op } from '@twitchify/cache';

/** The list holds `item` (replacing any member with the same `idField`). */
export function memberAdded(idField: string, item: object): Op {
  return { op: 'add', idField, item: item as Readonly<Record<string, unknown>> };
}

/** The list holds no member whose `idField` is `id`. */
export function memberRemoved(idField: string, id: string): Op {
  return { op: 'remove', idField, id };
}
