/**
 * The declarative changes the Client records (see `Op` in `@twitchify/cache`): what a request, an answer or an event
 * says happened, never a value computed from a read.
 */
import type { Op } from '@twitchify/cache';

/** These fields have these values; fields given as `undefined` are left out. */
export function fieldsSet(fields: Readonly<Record<string, unknown>>): Op {
  const defined: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) defined[name] = value;
  return { op: 'set', fields: defined };
}

/** The whole value is `value`; with `sameIdField`, a current value with the same id there is kept (a fuller one). */
export function replacedBy(value: unknown, sameIdField?: string): Op {
  return sameIdField === undefined ? { op: 'put', value } : { op: 'put', value, unlessSameId: sameIdField };
}

/** The value changed in a way no op describes: Helix is asked again once it can show the change. */
export const RELOAD: Op = Object.freeze({ op: 'reload' });

/** The list holds `item` (replacing any member with the same `idField`). */
export function memberAdded(idField: string, item: object): Op {
  return { op: 'add', idField, item: item as Readonly<Record<string, unknown>> };
}

/** The list holds no member whose `idField` is `id`. */
export function memberRemoved(idField: string, id: string): Op {
  return { op: 'remove', idField, id };
}

/**
 * `ops` without the fields named in `hidden` (a user's private fields, kept off the entry everyone reads): `set`
 * ops lose them (and go when nothing is left), `put` values lose them. The same array when none is named.
 */
export function withoutFields(ops: readonly Op[], hidden: readonly string[]): readonly Op[] {
  let changed = false;
  const out: Op[] = [];
  for (const o of ops) {
    if (o.op === 'set' && hidden.some((f) => f in o.fields)) {
      changed = true;
      const fields = omit(o.fields, hidden);
      if (Object.keys(fields).length > 0) out.push({ op: 'set', fields });
    } else if (o.op === 'put' && isRecord(o.value) && hidden.some((f) => f in (o.value as object))) {
      changed = true;
      out.push({ ...o, value: omit(o.value, hidden) });
    } else out.push(o);
  }
  return changed ? out : ops;
}

/** `value` without the fields in `hidden` (the same object when it has none of them). */
export function omitFields<V>(value: V, hidden: readonly string[]): V {
  if (!isRecord(value) || !hidden.some((f) => f in value)) return value;
  return omit(value, hidden) as V;
}

function omit(value: Readonly<Record<string, unknown>>, hidden: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...value };
  for (const f of hidden) delete out[f];
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
