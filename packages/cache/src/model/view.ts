import { itemId, keepsCurrent, type Op, overlaps } from './ops.js';
import {
  answeredBefore,
  type Base,
  concealed,
  type Entry,
  type FeedStates,
  feedsHold,
  type KeyState,
  NO_FEEDS,
  visible,
} from './state.js';

/** What a read of one variant of a key serves. */
export type View =
  | { readonly found: true; readonly value: unknown; readonly validUntil: number }
  | { readonly found: false };

const MISS: View = Object.freeze({ found: false });
const NONE: readonly string[] = Object.freeze([]);

/** Whether a base was loaded under each of `feeds`. */
export function storedUnder(base: Base, feeds: readonly string[]): boolean {
  for (const name of feeds) if (base.feeds?.[name] === undefined) return false;
  return true;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A value being built from a base and ops, without copying a list per op: the lists that member ops touch are held as
 * maps by id (insertion order is list order, and replacing an item keeps its place, as `applyOp` does) and written
 * back once, when the value is read or a whole-field op needs it.
 */
class Working {
  value: unknown;
  readonly #lists = new Map<string, { field: string | undefined; items: Map<string, unknown>; rest: unknown[] }>();

  constructor(value: unknown) {
    this.value = value;
  }

  apply(o: Op): void {
    switch (o.op) {
      case 'put':
        if (keepsCurrent(this.flush(), o)) return;
        this.value = o.value;
        return;
      case 'set':
        this.flush();
        if (isRecord(this.value)) this.value = { ...this.value, ...o.fields };
        return;
      case 'add': {
        const id = itemId(o.item, o.idField);
        const list = this.#list(o.field, o.idField);
        if (list !== undefined && id !== undefined) list.items.set(id, o.item);
        return;
      }
      case 'remove':
        this.#list(o.field, o.idField)?.items.delete(o.id);
        return;
      case 'reload':
        return;
    }
  }

  /** Writes the lists back into the value. */
  flush(): unknown {
    for (const { field, items, rest } of this.#lists.values()) {
      const list = [...rest, ...items.values()];
      this.value = field === undefined ? list : { ...(this.value as Record<string, unknown>), [field]: list };
    }
    this.#lists.clear();
    return this.value;
  }

  #list(field: string | undefined, idField: string) {
    const name = field ?? '';
    let list = this.#lists.get(name);
    if (list !== undefined) return list;
    const raw = field === undefined ? this.value : isRecord(this.value) ? this.value[field] : undefined;
    if (!Array.isArray(raw)) return undefined;
    const items = new Map<string, unknown>();
    const rest: unknown[] = [];
    for (const x of raw) {
      const id = isRecord(x) ? itemId(x, idField) : undefined;
      if (id === undefined || items.has(id)) rest.push(x);
      else items.set(id, x);
    }
    list = { field, items, rest };
    this.#lists.set(name, list);
    return list;
  }
}

/**
 * The log in the order a view lays it: position order, except that a write answered but not placed yet is laid
 * after the changes (not writes) held inside its span, up to `until`, whose order against it is unknown: the write
 * is what its writer reads back, and those changes count as received only once the order is known. Against other
 * writes it keeps its answer's place: a write sent after that answer is placed after it, and one whose span overlaps
 * it is hidden until the order is known (see `concealed`).
 */
function inViewOrder(log: readonly Entry[]): readonly Entry[] {
  if (!log.some((e) => e.write?.until !== undefined && !e.write.settled)) return log;
  const at = new Map<Entry, number>();
  for (const e of log) {
    const w = e.write;
    if (w === undefined || w.settled || !w.answered || w.until === undefined) continue;
    let pos = e.pos;
    for (const o of log) {
      if (o.write !== undefined || o.pos <= pos || o.pos > w.until || !overlaps(o.scopes, e.scopes)) continue;
      // a placed write's own event sits at the write's place: that write is ordered as writes are
      if (log.some((x) => x.write?.settled === true && x.pos === o.pos && answeredBefore(e, x))) continue;
      pos = o.pos;
    }
    // just after the last of them (positions are milliseconds; a change is never recorded this close to another)
    if (pos !== e.pos) at.set(e, pos + 1e-6);
  }
  if (at.size === 0) return log;
  return [...log].sort((a, b) => (at.get(a) ?? a.pos) - (at.get(b) ?? b.pos));
}

/**
 * The value a read serves at position `now`: the variant's base with every visible change laid over it, in position
 * order, that the source may not have reflected when the base was loaded (the change's `expiresAt` is after the base's
 * `readPos`). A `reload` positioned after the base's load began means the base cannot be trusted: the read is a
 * miss, unless a later `put` gives the whole value. Without a base, a `put` gives the value and the changes after it
 * are laid over it.
 *
 * A base is used only while the feeds it was loaded under are at the same epochs and covered (`feeds`, as read
 * with the state), and only if it was loaded under every feed the reader names (`required`): a base stored by a
 * process that does not listen for the key would otherwise outlive a gap of the reader's feeds. The answer depends on the state and on `now` only through the base's expiry, returned as
 * `validUntil`: a view can be kept until the key's version or one of its feeds' epochs changes, or that position
 * passes.
 */
export function view(
  state: KeyState,
  variant: string,
  now: number,
  feeds: FeedStates = NO_FEEDS,
  required: readonly string[] = NONE,
): View {
  const base = state.bases[variant];
  const usable =
    base !== undefined && base.expiresAt > now && feedsHold(base.feeds, feeds) && storedUnder(base, required);
  const readPos = usable ? base.readPos : Number.NEGATIVE_INFINITY;
  let found = usable;
  let work: Working | undefined;
  for (const e of inViewOrder(state.log)) {
    if (!visible(e) || concealed(state.log, e)) continue;
    if (e.expiresAt <= readPos) continue; // the base reflects it
    for (const o of e.ops) {
      if (o.op === 'put') {
        // with nothing under it, a whole value recorded before a gap of its feeds is not served: Helix is asked
        if (!found && e.feeds !== undefined && !feedsHold(e.feeds, feeds)) continue;
        if (found && o.unlessSameId !== undefined) {
          work ??= new Working(usable ? base.json : undefined);
          work.apply(o);
        } else work = new Working(o.value);
        found = true;
      } else if (o.op === 'reload') {
        // a base whose load began after the reload is trusted (its fill was given an expiry at the reload's end)
        if (e.pos > readPos) {
          found = false;
          work = undefined;
        }
      } else if (found) {
        work ??= new Working(usable ? base.json : undefined);
        work.apply(o);
      }
    }
  }
  if (!found) return MISS;
  const value = work === undefined ? (usable ? base.json : undefined) : work.flush();
  return { found: true, value, validUntil: usable ? base.expiresAt : Number.POSITIVE_INFINITY };
}
