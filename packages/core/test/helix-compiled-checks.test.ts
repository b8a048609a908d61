/**
 * The compiled checks of arguments and answers (helix/wire.ts) must decide exactly as the zod schemas they are
 * compiled from: the same values accepted, the same wire output (with its key order, which is the query's order),
 * and every refusal still reported by zod with its message. Checked on every generated operation with values of
 * every kind, valid and not.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ValidationError } from '../src/errors.js';
import { HelixRequester } from '../src/helix/requester.js';
import { NO_MATCH, parseCompiled } from '../src/helix/wire.js';
import { helixOperations } from '../src/helix.js';

/** A seeded generator (mulberry32), so that a failure can be replayed. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Def = { type: string; [k: string]: unknown };
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

const strays: unknown[] = [
  undefined,
  null,
  '',
  'x',
  0,
  1,
  -1,
  1.5,
  100,
  101,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  2 ** 60,
  true,
  false,
  [],
  ['a'],
  ['a', 2],
  Array.from({ length: 101 }, (_, i) => String(i)),
  {},
  { a: 1 },
  new Date(0),
  '2024-01-01T00:00:00Z',
  '2024-01-01',
];

/** A value for `schema`: usually one it should accept, sometimes any stray. */
function valueFor(schema: z.ZodType, r: () => number, depth = 0): unknown {
  if (r() < 0.15 || depth > 4) return strays[Math.floor(r() * strays.length)];
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
      return r() < 0.5 ? 'abc' : '2024-05-06T07:08:09Z';
    case 'boolean':
      return r() < 0.5;
    case 'number': {
      const n = [1, 2, 50, 100, 0, 7.5, 1000][Math.floor(r() * 7)];
      return n;
    }
    case 'enum': {
      const values = Object.values(def.entries as Record<string, unknown>);
      return values[Math.floor(r() * values.length)];
    }
    case 'optional':
      return r() < 0.3 ? undefined : valueFor(def.innerType as z.ZodType, r, depth + 1);
    case 'nullable':
      return r() < 0.3 ? null : valueFor(def.innerType as z.ZodType, r, depth + 1);
    case 'array':
      return Array.from({ length: Math.floor(r() * 3) }, () => valueFor(def.element as z.ZodType, r, depth + 1));
    case 'union': {
      const options = def.options as z.ZodType[];
      return valueFor(options[Math.floor(r() * options.length)]!, r, depth + 1);
    }
    case 'date':
      return new Date(Math.floor(r() * 1e12));
    case 'record':
      return { k: valueFor(def.valueType as z.ZodType, r, depth + 1) };
    case 'pipe':
      return valueFor(def.in as z.ZodType, r, depth);
    case 'object': {
      const shape = def.shape as Record<string, z.ZodType>;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(shape).reverse()) {
        if (r() < 0.2) continue;
        out[key] = valueFor(shape[key]!, r, depth + 1);
      }
      if (r() < 0.2) out.extra_field = r() < 0.5 ? 'kept' : undefined;
      return out;
    }
    default:
      return strays[Math.floor(r() * strays.length)];
  }
}

/** Keys in order, deep: the query is built in key order, so the order is part of the output. */
function ordered(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(ordered);
  if (v instanceof Date) return `Date(${v.toISOString()})`;
  if (v !== null && typeof v === 'object') return Object.entries(v).map(([k, x]) => [k, ordered(x)]);
  return v;
}

function sameAsZod(schema: z.ZodType, value: unknown, where: string): 'accepted' | 'refused' {
  const zod = schema.safeParse(value);
  const fast = parseCompiled(schema, value);
  if (zod.success) {
    expect(fast, `${where}: ${JSON.stringify(value)}`).not.toBe(NO_MATCH);
    expect(ordered(fast), `${where}: ${JSON.stringify(value)}`).toEqual(ordered(zod.data));
    return 'accepted';
  }
  expect(fast, `${where}: ${JSON.stringify(value)} (zod: ${zod.error.issues[0]?.message})`).toBe(NO_MATCH);
  return 'refused';
}

const operations = Object.values(helixOperations).filter(
  (o): o is (typeof helixOperations)['getUsers'] => typeof o === 'object' && o !== null && 'path' in o,
);

describe('compiled checks decide as zod does', () => {
  it('arguments and bodies of every operation', () => {
    const r = rng(13);
    const tally = { accepted: 0, refused: 0 };
    for (const op of operations) {
      for (const [part, schema] of [
        ['params', op.params],
        ['body', (op as { body?: z.ZodType }).body],
      ] as const) {
        if (!schema) continue;
        const inner = defOf(schema as z.ZodType).in as z.ZodType;
        for (let i = 0; i < 60; i++) tally[sameAsZod(schema as z.ZodType, valueFor(inner, r), `${op.id} ${part}`)]++;
      }
    }
    // Both sides are exercised: a generator that only made refusals would prove nothing.
    expect(tally.accepted).toBeGreaterThan(2_000);
    expect(tally.refused).toBeGreaterThan(2_000);
  });

  it('a few arguments by hand: ranges, integers, repeated values, unknown keys, order', () => {
    const getUsers = helixOperations.getUsers.params!;
    expect(parseCompiled(getUsers, { login: 'b', id: ['1', '2'], extra: 3 })).toEqual({
      id: ['1', '2'],
      login: 'b',
      extra: 3,
    });
    expect(Object.keys(parseCompiled(getUsers, { login: 'b', id: '1' }) as object)).toEqual(['id', 'login']);
    expect(parseCompiled(getUsers, { id: [] })).toBe(NO_MATCH);
    expect(parseCompiled(getUsers, { id: Array.from({ length: 101 }, () => 'x') })).toBe(NO_MATCH);
    const blocks = helixOperations.getUserBlockList.params!;
    for (const first of [0, 101, 1.5, Number.NaN, '5']) {
      expect(parseCompiled(blocks, { broadcasterId: '1', first })).toBe(NO_MATCH);
    }
    expect(parseCompiled(blocks, { broadcasterId: '1', first: 100 })).toEqual({ broadcaster_id: '1', first: 100 });
    expect(parseCompiled(blocks, { first: 1 })).toBe(NO_MATCH);
  });

  it('answers: the compiled decoder is what the schema runs, refusals as zod reports them', () => {
    const schema = helixOperations.getUsers.response!;
    const user = { id: '1', login: 'a', display_name: 'A', type: '', broadcaster_type: '', description: '' };
    const body = {
      data: [{ ...user, profile_image_url: 'p', offline_image_url: 'o', view_count: 3, created_at: 'c', new_field: 1 }],
    };
    expect(sameAsZod(schema, body, 'users')).toBe('accepted');
    expect((parseCompiled(schema, body) as { data: Record<string, unknown>[] }).data[0]).toMatchObject({
      displayName: 'A',
      viewCount: 3,
      new_field: 1,
    });
    for (const bad of [{ data: [{ ...body.data[0], view_count: '3' }] }, { data: {} }, null, []]) {
      expect(sameAsZod(schema, bad, 'users')).toBe('refused');
    }
  });
});

it('an extra parameter with no text form is refused as an argument, never a TypeError', () => {
  const teams = operations.find((o) => o.path === '/teams')!;
  const requester = new HelixRequester(() => Promise.reject(new Error('nothing is sent by build')));
  expect(() => requester.build(teams, { broadcasterId: { toString: 0 } } as never, undefined as never)).toThrow(
    ValidationError,
  );
  expect(requester.build(teams, { name: 'x', extra: 3 } as never, undefined as never).query).toEqual([
    ['name', 'x'],
    ['extra', '3'],
  ]);
});
