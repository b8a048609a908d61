/**
 * How the generated decoders report a field that violates the reference without allocating on success: they return
 * `FAIL`, and the failure (the field's path, what was expected, what came) is kept here until the caller takes it.
 * Decoding is synchronous, so one slot suffices.
 */

/** Returned by a decoder whose input violates the reference. */
export const FAIL: unique symbol = Symbol('twitchify.decode.fail');

/** The first field that violated the reference: its path in the event, what the reference wants, what came. */
export interface DecodeFailure {
  path: (string | number)[];
  expected: string;
  /** The kind of value that came (`string`, `null`, `array`, `nothing`...), never the value itself. */
  got: string;
}

let last: DecodeFailure = { path: [], expected: '', got: '' };

/** `value` (undefined: absent) is not what `key` (undefined: the value itself) should hold. */
export function wrong(key: string | number | undefined, expected: string, value: unknown): typeof FAIL {
  last = { path: key === undefined ? [] : [key], expected, got: kindOf(value) };
  return FAIL;
}

/** A nested decoder failed below `key`: extend the path outward. */
export function into(key: string | number): typeof FAIL {
  last.path.unshift(key);
  return FAIL;
}

/** The failure of the last decoder that returned `FAIL`. */
export function lastFailure(): DecodeFailure {
  return last;
}

/** A field path as `outcomes[1].top_predictors[0].user_id`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out;
}

function kindOf(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const t = typeof value;
  return t === 'object' ? 'an object' : `a ${t}`;
}
