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

/** What a compiled check returns for a value its schema refuses (see {@link parseCompiled}). */
export const NO_MATCH: unique symbol = Symbol('miss');
const MISS = NO_MATCH;
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
  const schema = z.looseObject(shape).transform((value) => {
    const out: Record<string, unknown> = {};
    for (const key in value) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[wireNames[key] ?? key] = v;
    }
    return out;
  });
  // The same rules as a plain function (zod's output order: the shape's fields, then unknown keys as given).
  const keys = Object.keys(shape);
  let checks: Check[] | undefined;
  const decode: Check = (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return MISS;
    checks ??= keys.map((key) => compileInput(shape[key] as z.ZodType));
    const value = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const x = checks[i]!(value[key]);
      if (x === MISS) return MISS;
      if (x !== undefined) out[wireNames[key] ?? key] = x;
    }
    for (const key in value) {
      if (Object.hasOwn(shape, key)) continue;
      const x = value[key];
      if (x !== undefined) out[key] = x;
    }
    return out;
  };
  compiled.set(schema, decode);
  return schema;
}

/**
 * Compiles an argument's zod schema (strings, booleans, enums, numbers with integer and range checks, arrays with
 * length bounds, optional, unions, input objects) into a function that returns the parsed value or `MISS`, with no
 * message: on a miss the caller asks zod, so that the error is zod's own. Anything else is parsed by zod itself.
 */
function compileInput(schema: z.ZodType): Check {
  const known = compiledInputs.get(schema) ?? compiled.get(schema);
  if (known) return known;
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
  const checks = (Array.isArray(def.checks) ? def.checks : []) as { _zod: { def: Record<string, unknown> } }[];
  const byZod: Check = (v) => {
    const r = schema.safeParse(v);
    return r.success ? r.data : MISS;
  };
  let check: Check = byZod;
  // Formats (`z.iso.datetime()` is a string with a format) and coercion are left to zod.
  const plainType = def.format === undefined && def.check === undefined && def.coerce !== true;
  switch (plainType ? def.type : undefined) {
    case 'string':
      if (checks.length === 0) check = (v) => (typeof v === 'string' ? v : MISS);
      break;
    case 'boolean':
      check = (v) => (typeof v === 'boolean' ? v : MISS);
      break;
    case 'enum': {
      const values = new Set(Object.values(def.entries as Record<string, unknown>));
      check = (v) => (values.has(v) ? v : MISS);
      break;
    }
    case 'number': {
      let integer = false;
      let min = Number.NEGATIVE_INFINITY;
      let max = Number.POSITIVE_INFINITY;
      let minIncl = true;
      let maxIncl = true;
      let plain = true;
      for (const c of checks) {
        const d = c._zod.def;
        if (d.check === 'number_format' && d.format === 'safeint') integer = true;
        else if (d.check === 'greater_than') [min, minIncl] = [d.value as number, d.inclusive === true];
        else if (d.check === 'less_than') [max, maxIncl] = [d.value as number, d.inclusive === true];
        else plain = false;
      }
      if (!plain) break;
      check = (v) =>
        typeof v === 'number' &&
        Number.isFinite(v) &&
        (!integer || Number.isSafeInteger(v)) &&
        (minIncl ? v >= min : v > min) &&
        (maxIncl ? v <= max : v < max)
          ? v
          : MISS;
      break;
    }
    case 'optional': {
      const inner = compileInput(def.innerType as z.ZodType);
      check = (v) => (v === undefined ? v : inner(v));
      break;
    }
    case 'array': {
      let minLength = 0;
      let maxLength = Number.POSITIVE_INFINITY;
      let plain = true;
      for (const c of checks) {
        const d = c._zod.def;
        if (d.check === 'min_length') minLength = d.minimum as number;
        else if (d.check === 'max_length') maxLength = d.maximum as number;
        else plain = false;
      }
      if (!plain) break;
      const item = compileInput(def.element as z.ZodType);
      check = (v) => {
        if (!Array.isArray(v) || v.length < minLength || v.length > maxLength) return MISS;
        const out = new Array(v.length);
        for (let i = 0; i < v.length; i++) {
          const x = item(v[i]);
          if (x === MISS) return MISS;
          out[i] = x;
        }
        return out;
      };
      break;
    }
    case 'union': {
      // zod's union: the first option that accepts the value.
      const options = (def.options as z.ZodType[]).map(compileInput);
      check = (v) => {
        for (const option of options) {
          const x = option(v);
          if (x !== MISS) return x;
        }
        return MISS;
      };
      break;
    }
  }
  compiledInputs.set(schema, check);
  return check;
}

/** Argument field schemas compiled by {@link compileInput} (apart from the response checks, which report misses). */
const compiledInputs = new WeakMap<z.ZodType, Check>();

/**
 * Parses `value` with a schema of the generated vocabulary (a wire object, an input object) through its compiled
 * function: the parsed value, or {@link NO_MATCH} when it does not match (then `schema.safeParse` says why). Other
 * schemas are parsed by zod.
 */
export function parseCompiled(schema: z.ZodType, value: unknown): unknown {
  const check = compiled.get(schema);
  if (check !== undefined) return check(value);
  const r = schema.safeParse(value);
  return r.success ? r.data : NO_MATCH;
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
