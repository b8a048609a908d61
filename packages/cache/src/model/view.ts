import { applyOp } from './ops.js';
import { type KeyState, visible } from './state.js';

/** What a read of one variant of a key serves. */
export type View =
  | { readonly found: true; readonly value: unknown; readonly validUntil: number }
  | { readonly found: false };

const MISS: View = Object.freeze({ found: false });

/**
 * The value a read serves at position `now`: the variant's base with every visible change laid over it, in position
 * order, that the source may not have reflected when the base was loaded (the change's `expiresAt` is after the base's
 * `readPos`). A `reload` positioned after the base's load began means the base cannot be trusted: the read is a
 * miss, unless a later `put` gives the whole value. Without a base, a `put` gives the value and the changes after it are laid over it.
 *
 * The answer depends on the state and on `now` only through the base's expiry, returned as `validUntil`: a view
 * can be kept until the key's version changes or that position passes.
 */
export function view(state: KeyState, variant: string, now: number): View {
  const base = state.bases[variant];
  const usable = base !== undefined && base.expiresAt > now;
  const readPos = usable ? base.readPos : Number.NEGATIVE_INFINITY;
  let found = usable;
  let value: unknown = usable ? base.json : undefined;
  for (const e of state.log) {
    if (!visible(e)) continue;
    if (e.expiresAt <= readPos) continue; // the base reflects it
    for (const o of e.ops) {
      if (o.op === 'put') {
        found = true;
        value = o.value;
      } else if (o.op === 'reload') {
        // a base whose load began after the reload is trusted (its fill was given an expiry at the reload's end)
        if (e.pos > readPos) {
          found = false;
          value = undefined;
        }
      } else if (found) {
        value = applyOp(value, o);
      }
    }
  }
  if (!found) return MISS;
  return { found: true, value, validUntil: usable ? base.expiresAt : Number.POSITIVE_INFINITY };
}
