/**
 * Checks of parsed JSON against the shapes Twitch sends, in place: a check returns `undefined` for a value as
 * Twitch sends it, or the first field that is not (`.payload.session.id: expected a string`), and never copies
 * the value. Objects are loose (fields Twitch adds later are kept, unchecked). Built once at module load from the
 * combinators below, so a frame costs one walk of its known fields and no allocation when it is well formed.
 */

/** `undefined` when `value` fits, otherwise where and why it does not (`.field: expected a string`). */
export type Check = (value: unknown) => string | undefined;

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The kind of value that came, for a problem's text (never the value itself). */
export function kindOf(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const fail = (expected: string, value: unknown) => `: expected ${expected}, got ${kindOf(value)}`;

export const string: Check = (v) => (typeof v === 'string' ? undefined : fail('a string', v));
export const number: Check = (v) => (typeof v === 'number' && Number.isFinite(v) ? undefined : fail('a number', v));
export const unknown: Check = () => undefined;

export function literal(expected: string): Check {
  return (v) => (v === expected ? undefined : fail(`"${expected}"`, v));
}

export function optional(check: Check): Check {
  return (v) => (v === undefined ? undefined : check(v));
}

export function nullable(check: Check): Check {
  return (v) => (v === null ? undefined : check(v));
}

/** An object whose every value passes `check` (a subscription's condition). */
export function record(check: Check): Check {
  return (v) => {
    if (!isObject(v)) return fail('an object', v);
    for (const key in v) {
      const problem = check(v[key]);
      if (problem !== undefined) return `.${key}${problem}`;
    }
    return undefined;
  };
}

export function array(check: Check): Check {
  return (v) => {
    if (!Array.isArray(v)) return fail('an array', v);
    for (let i = 0; i < v.length; i++) {
      const problem = check(v[i]);
      if (problem !== undefined) return `[${i}]${problem}`;
    }
    return undefined;
  };
}

/** An object with at least these fields (absent ones are `undefined` to their check); other fields are kept. */
export function object(shape: Readonly<Record<string, Check>>): Check {
  const keys = Object.keys(shape);
  const checks = keys.map((k) => shape[k]!);
  return (v) => {
    if (!isObject(v)) return fail('an object', v);
    for (let i = 0; i < keys.length; i++) {
      const problem = checks[i]!(v[keys[i]!]);
      if (problem !== undefined) return `.${keys[i]}${problem}`;
    }
    return undefined;
  };
}

/** A problem as a field path and reason for a message: `payload.session.id: expected a string`. */
export function describeProblem(problem: string): string {
  const text = problem.startsWith('.') ? problem.slice(1) : problem;
  return text.startsWith(':') ? `the value${text}` : text;
}
