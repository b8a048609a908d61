/**
 * Builders the generated zod schemas are made of: wire objects (snake_case in, camelCase out, unknown fields kept
 * as they are) and input objects (camelCase in, snake_case out, validated before any request).
 */
import { z } from 'zod';

/** `broadcaster_id` → `broadcasterId`; `url_1x` → `url1x`. */
export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Where a field's check failed: its path below the checked value, zod's message, what came. */
interface Miss {
  path: PropertyKey[];
  message: string;
  input: unknown;
}

/** Checks `v` and returns it in public form, or a `Miss`. Compiled once per schema from its zod definition. */
type Check = (v: unknown) => unknown;

const MISS = Symbol('miss');
let lastMiss: Miss = { path: [], message: '', input: undefined };
const compiled = new WeakMap<z.ZodType, Check>();

function received(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function miss(expected: string, v: unknown): typeof MISS {
  lastMiss = { path: [], message: `Invalid input: expected ${expected}, received ${received(v)}`, input: v };
  return MISS;
}

/**
 * Compiles a zod schema of the generated response vocabulary (string, number, boolean, array, optional, nullable,
 * wire objects) into a plain function; anything else (records, unions, formats, checks) is checked by zod itself.
 */
function compile(schema: z.ZodType): Check {
  const known = compiled.get(schema);
  if (known) return known;
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
  const plain = !Array.isArray(def.checks) || def.checks.length === 0;
  let check: Check;
  switch (plain ? def.type : undefined) {
    case 'string':
      check = (v) => (typeof v === 'string' ? v : miss('string', v));
      break;
    case 'number':
      check = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : miss('number', v));
      break;
    case 'boolean':
      check = (v) => (typeof v === 'boolean' ? v : miss('boolean', v));
      break;
    case 'optional': {
      const inner = compile(def.innerType as z.ZodType);
      check = (v) => (v === undefined ? v : inner(v));
      break;
    }
    case 'nullable': {
      const inner = compile(def.innerType as z.ZodType);
      check = (v) => (v === null ? v : inner(v));
      break;
    }
    case 'array': {
      const item = compile(def.element as z.ZodType);
      check = (v) => {
        if (!Array.isArray(v)) return miss('array', v);
        const out = new Array(v.length);
        for (let i = 0; i < v.length; i++) {
          const x = item(v[i]);
          if (x === MISS) {
            lastMiss.path.unshift(i);
            return MISS;
          }
          out[i] = x;
        }
        return out;
      };
      break;
    }
    default:
      check = (v) => {
        const r = schema.safeParse(v);
        if (r.success) return r.data;
        const issue = r.error.issues[0]!;
        lastMiss = { path: [...issue.path], message: issue.message, input: v };
        return MISS;
      };
  }
  compiled.set(schema, check);
  return check;
}

/**
 * A response object: checks the known fields, keeps fields Twitch adds later, and renames the known fields to
 * camelCase in the same pass (unknown fields keep their wire names and values untouched). The check is compiled to a
 * plain function of the fields (one pass, one copy per object); a violation is reported as a zod issue with its path.
 */
export function wireObject<S extends z.ZodRawShape>(shape: S): z.ZodType<Record<string, unknown>> {
  const fields = Object.keys(shape).map((key) => ({ key, camel: camelCase(key), schema: shape[key] as z.ZodType }));
  const knownKeys: Record<string, true | undefined> = Object.create(null);
  for (const f of fields) knownKeys[f.key] = true;
  let checks: Check[] | undefined;
  const decode: Check = (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return miss('object', v);
    checks ??= fields.map((f) => compile(f.schema));
    const value = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      const x = checks[i]!(value[f.key]);
      if (x === MISS) {
        lastMiss.path.unshift(f.key);
        return MISS;
      }
      if (x !== undefined || f.key in value) out[f.camel] = x;
    }
    for (const key in value) if (knownKeys[key] !== true) out[key] = value[key];
    return out;
  };
  const schema = z.unknown().transform((v, ctx) => {
    const out = decode(v);
    if (out !== MISS) return out as Record<string, unknown>;
    ctx.issues.push({ code: 'custom', message: lastMiss.message, path: lastMiss.path, input: lastMiss.input });
    return z.NEVER;
  });
  compiled.set(schema, decode);
  let output: z.ZodType | undefined;
  publicShapes.set(schema, () => {
    output ??= z.looseObject(
      Object.fromEntries(
        Object.entries(shape).map(([key, field]) => [camelCase(key), publicSchemaOf(field as z.ZodType)]),
      ),
    );
    return output;
  });
  return schema;
}

/** Per wire object schema: the schema of what it outputs (built on first use). */
const publicShapes = new WeakMap<z.ZodType, () => z.ZodType>();

/**
 * The schema of what a response schema outputs (camelCase fields, unknown fields allowed): checks a value that
 * was decoded earlier and kept (in a cache, say) without decoding it again.
 */
export function publicSchemaOf(schema: z.ZodType): z.ZodType {
  const own = publicShapes.get(schema);
  if (own !== undefined) return own();
  if (schema instanceof z.ZodArray) return z.array(publicSchemaOf(schema.element as z.ZodType));
  if (schema instanceof z.ZodOptional) return publicSchemaOf(schema.unwrap() as z.ZodType).optional();
  if (schema instanceof z.ZodNullable) return publicSchemaOf(schema.unwrap() as z.ZodType).nullable();
  if (schema instanceof z.ZodRecord) {
    return z.record(schema.keyType as z.ZodString, publicSchemaOf(schema.valueType as z.ZodType));
  }
  return schema;
}

/**
 * An argument object: `shape` is keyed by the public camelCase names, `wireNames` maps them to Twitch's names.
 * Unknown keys are passed on as given (so a field Twitch adds can be sent before we regenerate).
 */
export function inputObject<S extends z.ZodRawShape>(
  shape: S,
  wireNames: Readonly<Record<string, string>>,
): z.ZodType<Record<string, unknown>> {
  return z.looseObject(shape).transform((value) => {
    const out: Record<string, unknown> = {};
    for (const key in value) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[wireNames[key] ?? key] = v;
    }
    return out;
  });
}

/** A query parameter that Twitch accepts repeated: one value or up to `max` of them. */
export function repeated<T extends z.ZodType>(item: T, max = 100) {
  return z.union([item, z.array(item).min(1).max(max)]);
}

/** A date-time argument: an ISO 8601 string or a `Date`, sent as ISO 8601. */
export const dateTimeInput = z.union([
  z.iso.datetime({ offset: true }),
  z.date().transform((date) => date.toISOString()),
]);
