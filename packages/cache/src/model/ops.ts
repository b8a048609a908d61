import { z } from 'zod';
import { canonicalJson } from '../values.js';

/**
 * A declarative change of one key's value: what happened, not the value it led to. Every op is idempotent and can
 * be laid over any base (a value loaded from the source earlier or later), which is what lets a change be recorded
 * without reading the current value first, and lets two processes change one list without losing either change.
 *
 * - `set`: these fields of an object value take these values (no-op on a missing or non-object value);
 * - `put`: the whole value is this (or, with `unlessSameId`, the current value if it is the same thing);
 * - `add`: the list (the value itself, or its `field`) holds this item, replacing any item with the same id;
 * - `remove`: the list holds no item with this id;
 * - `reload`: the value changed in a way no op describes: bases read before the change are no longer trusted.
 */
export type Op =
  | { readonly op: 'set'; readonly fields: Readonly<Record<string, unknown>> }
  | {
      readonly op: 'put';
      readonly value: unknown;
      /**
       * Keeps a current value that is an object with the same id under this field (a fuller answer of the same
       * thing: the live stream that a `stream.online` announced, with its title and viewers), instead of replacing it.
       */
      readonly unlessSameId?: string | undefined;
    }
  | {
      readonly op: 'add';
      readonly field?: string | undefined;
      readonly idField: string;
      readonly item: Readonly<Record<string, unknown>>;
    }
  | { readonly op: 'remove'; readonly field?: string | undefined; readonly idField: string; readonly id: string }
  | { readonly op: 'reload' };

/** The whole value: what a `put` or a `reload` is about. */
export const WHOLE = '*';

const field = z.string().min(1).max(200);
/** Ops as stored and as accepted from callers. */
export const opSchema: z.ZodType<Op> = z.discriminatedUnion('op', [
  z.object({ op: z.literal('set'), fields: z.record(field, z.unknown()) }),
  z.object({ op: z.literal('put'), value: z.unknown(), unlessSameId: field.optional() }),
  z.object({ op: z.literal('add'), field: field.optional(), idField: field, item: z.record(z.string(), z.unknown()) }),
  z.object({ op: z.literal('remove'), field: field.optional(), idField: field, id: z.string().min(1) }),
  z.object({ op: z.literal('reload') }),
]) as z.ZodType<Op>;

/** The id of a list item under `idField`, or undefined when it has none. */
export function itemId(item: Readonly<Record<string, unknown>>, idField: string): string | undefined {
  const id = item[idField];
  return typeof id === 'string' && id.length > 0 ? id : typeof id === 'number' ? String(id) : undefined;
}

/**
 * What an op is about, as scope names: a field name for `set`, `field#id` for a list member, {@link WHOLE} for
 * `put` and `reload`. A newer change supersedes an older one whose scopes it covers.
 */
export function scopesOf(ops: readonly Op[]): string[] {
  const scopes = new Set<string>();
  for (const o of ops) {
    switch (o.op) {
      case 'set':
        for (const f of Object.keys(o.fields)) scopes.add(f);
        break;
      case 'add':
        scopes.add(`${o.field ?? ''}#${itemId(o.item, o.idField) ?? ''}`);
        break;
      case 'remove':
        scopes.add(`${o.field ?? ''}#${o.id}`);
        break;
      default:
        scopes.add(WHOLE);
    }
  }
  return [...scopes];
}

/** Whether scope `outer` covers scope `inner`: the whole value covers all, a field covers its members. */
export function covers(outer: string, inner: string): boolean {
  if (outer === WHOLE || outer === inner) return true;
  // a field covers its members: `inner` is `outer#id`
  return (
    inner.length > outer.length && inner.charCodeAt(outer.length) === 35 && inner.startsWith(outer) && outer !== ''
  );
}

/** Whether every scope of `inner` is covered by some scope of `outer`. */
export function coversAll(outer: readonly string[], inner: readonly string[]): boolean {
  // loops, not every/some: this runs once per log entry for every change recorded
  for (let i = 0; i < inner.length; i++) {
    let covered = false;
    for (let o = 0; o < outer.length && !covered; o++) covered = covers(outer[o] as string, inner[i] as string);
    if (!covered) return false;
  }
  return true;
}

/** Whether two scope sets touch a common part of the value. */
export function overlaps(a: readonly string[], b: readonly string[]): boolean {
  return a.some((x) => b.some((y) => covers(x, y) || covers(y, x)));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function listOf(value: unknown, fieldName: string | undefined): readonly unknown[] | undefined {
  const list = fieldName === undefined ? value : isRecord(value) ? value[fieldName] : undefined;
  return Array.isArray(list) ? list : undefined;
}

function withList(value: unknown, fieldName: string | undefined, list: unknown[]): unknown {
  return fieldName === undefined ? list : { ...(value as Record<string, unknown>), [fieldName]: list };
}

/**
 * Applies one op to a value, copying what it changes (the value given is never modified). `reload` changes nothing
 * here: what it means is decided by the view.
 */
export function applyOp(value: unknown, o: Op): unknown {
  switch (o.op) {
    case 'set':
      return isRecord(value) ? { ...value, ...o.fields } : value;
    case 'put':
      return keepsCurrent(value, o) ? value : o.value;
    case 'add': {
      const list = listOf(value, o.field);
      const id = itemId(o.item, o.idField);
      if (list === undefined || id === undefined) return value;
      const at = list.findIndex((x) => isRecord(x) && itemId(x, o.idField) === id);
      const next = [...list];
      if (at < 0) next.push(o.item);
      else next[at] = o.item;
      return withList(value, o.field, next);
    }
    case 'remove': {
      const list = listOf(value, o.field);
      if (list === undefined) return value;
      const next = list.filter((x) => !(isRecord(x) && itemId(x, o.idField) === o.id));
      return next.length === list.length ? value : withList(value, o.field, next);
    }
    case 'reload':
      return value;
  }
}

/** Whether a `put` with `unlessSameId` leaves `value` as it is. */
export function keepsCurrent(value: unknown, o: Op & { op: 'put' }): boolean {
  if (o.unlessSameId === undefined || !isRecord(value) || !isRecord(o.value)) return false;
  const id = itemId(o.value, o.unlessSameId);
  return id !== undefined && itemId(value, o.unlessSameId) === id;
}

/** Applies ops in order. */
export function applyOps(value: unknown, ops: readonly Op[]): unknown {
  let v = value;
  for (const o of ops) v = applyOp(v, o);
  return v;
}

/**
 * Whether a change with ops `seen` carries everything ops `written` said: every field written has the written
 * value, every member added or removed is added or removed. This is how a write's own event is recognised, in
 * whichever process receives it.
 */
export function carries(seen: readonly Op[], written: readonly Op[]): boolean {
  return written.every((w) => carriesOne(seen, w));
}

function carriesOne(seen: readonly Op[], w: Op): boolean {
  switch (w.op) {
    case 'set':
      return Object.entries(w.fields).every(([f, v]) =>
        seen.some((s) => s.op === 'set' && f in s.fields && canonicalJson(s.fields[f]) === canonicalJson(v)),
      );
    case 'put':
      return seen.some((s) => s.op === 'put' && canonicalJson(s.value) === canonicalJson(w.value));
    case 'add': {
      const id = itemId(w.item, w.idField);
      return seen.some((s) => s.op === 'add' && s.field === w.field && itemId(s.item, s.idField) === id);
    }
    case 'remove':
      return seen.some((s) => s.op === 'remove' && s.field === w.field && s.id === w.id);
    case 'reload':
      return false;
  }
}
