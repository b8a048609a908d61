/**
 * Generates src/generated/events.ts from spec/eventsub-fields.json, the field facts of Twitch's EventSub reference
 * (each field's type, whether it may be null, whether it may be missing). For every `type@version` it emits the public
 * camelCase TypeScript type, a precompiled decoder (one function per object shape: checks each field in place and
 * builds the camelCase event in the same pass; unknown extra fields pass through, camelCased) and the condition keys.
 * Twitch's example payloads are test data only: where they disagree with the reference, the reference wins.
 *
 * Run: npx tsx packages/eventsub/scripts/generate-events.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const specPath = fileURLToPath(new URL('../spec/eventsub-fields.json', import.meta.url));
const outPath = fileURLToPath(new URL('../src/generated/events.ts', import.meta.url));

/** One field as the reference states it. */
interface Field {
  type: 'string' | 'integer' | 'number' | 'boolean' | 'unknown' | 'object' | 'array';
  nullable?: boolean;
  optional?: boolean;
  /** Another wire name the field may arrive under (read when the field itself is absent). */
  alias?: string;
  fields?: Record<string, Field>;
  items?: Field;
}

interface TypeFacts {
  condition: string[];
  /** Delivered as `events: [{ id, data }]`; `fields` describe one item's `data`. */
  batched?: boolean;
  fields: Record<string, Field>;
}

const camel = (k: string) => k.replace(/[_-]+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const quote = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k));
const prop = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`);

function tsOf(f: Field, depth: number): string {
  const pad = '  '.repeat(depth);
  let t: string;
  switch (f.type) {
    case 'string':
    case 'boolean':
    case 'unknown':
      t = f.type;
      break;
    case 'integer':
    case 'number':
      t = 'number';
      break;
    case 'array': {
      const inner = tsOf(f.items ?? { type: 'unknown' }, depth);
      t = inner.includes('|') || inner.includes('\n') ? `Array<${inner}>` : `${inner}[]`;
      break;
    }
    case 'object': {
      const lines = Object.entries(f.fields ?? {}).map(
        ([k, x]) => `${pad}  ${quote(camel(k))}${x.optional ? '?' : ''}: ${tsOf(x, depth + 1)};`,
      );
      t = `{\n${lines.join('\n')}\n${pad}}`;
      break;
    }
  }
  return f.nullable && f.type !== 'unknown' ? `${t} | null` : t;
}

// Decoder functions, one per distinct object or array shape; identical shapes share one function.
const functions: string[] = [];
const byBody = new Map<string, string>();
const knownSets: string[] = [];

function define(prefix: string, body: (name: string) => string): string {
  const probe = body('$NAME$');
  const existing = byBody.get(probe);
  if (existing) return existing;
  const name = `${prefix}${byBody.size}`;
  byBody.set(probe, name);
  functions.push(body(name));
  return name;
}

/** A JS condition true when `x` is NOT acceptable for a scalar field (null handled by the caller). */
function scalarMiss(type: Field['type']): string | undefined {
  switch (type) {
    case 'string':
      return "typeof x !== 'string'";
    case 'boolean':
      return "typeof x !== 'boolean'";
    case 'number':
      return "typeof x !== 'number'";
    case 'integer':
      return '!Number.isInteger(x)';
    default:
      return undefined;
  }
}

function expected(f: Field): string {
  const base = f.type === 'unknown' ? 'any value' : f.type === 'integer' ? 'an integer' : `a ${f.type}`;
  return f.nullable ? `${base} or null` : base;
}

/**
 * Statements that read `x` (already loaded), check it against `f` and leave the public value in `x`, or return FAIL
 * with the path extended by `key`.
 */
function check(f: Field, key: string | number): string[] {
  const at = typeof key === 'number' ? 'i' : JSON.stringify(key);
  if (f.type === 'unknown') return ['if (x !== undefined && x !== null) x = camelize(x);'];
  const skip = [f.optional ? 'x !== undefined' : '', f.nullable ? 'x !== null' : ''].filter(Boolean);
  const scalar = scalarMiss(f.type);
  if (scalar) {
    return [`if (${[...skip, scalar].join(' && ')}) return wrong(${at}, ${JSON.stringify(expected(f))}, x);`];
  }
  // An absent required object or array is reported by its decoder (`nothing` where an object was due).
  const inner = f.type === 'object' ? objectDecoder(f) : arrayDecoder(f);
  const run = `x = ${inner}(x); if (x === FAIL) return into(${at});`;
  return [skip.length ? `if (${skip.join(' && ')}) { ${run} }` : run];
}

function objectDecoder(f: Field): string {
  const fields = Object.entries(f.fields ?? {});
  const known = new Set<string>();
  for (const [k, x] of fields) {
    known.add(k);
    if (x.alias) known.add(x.alias);
  }
  const knownList = JSON.stringify([...known]);
  let setName = knownSets.indexOf(knownList);
  if (setName < 0) {
    knownSets.push(knownList);
    setName = knownSets.length - 1;
  }
  return define('o', (name) => {
    const lines = [
      `function ${name}(v: any): any {`,
      "  if (typeof v !== 'object' || v === null || Array.isArray(v)) return wrong(undefined, 'an object', v);",
      '  const o: any = {};',
      '  let x: any;',
    ];
    for (const [k, x] of fields) {
      lines.push(`  x = v${prop(k)};`);
      if (x.alias) lines.push(`  if (x === undefined) x = v${prop(x.alias)};`);
      for (const s of check(x, k)) lines.push(`  ${s.replace(/\n/g, '\n  ')}`);
      lines.push(x.optional ? `  if (x !== undefined) o${prop(camel(k))} = x;` : `  o${prop(camel(k))} = x;`);
    }
    lines.push(`  for (const k in v) if (K${setName}[k] !== true) o[camelKey(k)] = camelize(v[k]);`);
    lines.push('  return o;', '}');
    return lines.join('\n');
  });
}

function arrayDecoder(f: Field): string {
  const item = f.items ?? { type: 'unknown' };
  return define('a', (name) =>
    [
      `function ${name}(v: any): any {`,
      "  if (!Array.isArray(v)) return wrong(undefined, 'an array', v);",
      '  const out = new Array(v.length);',
      '  for (let i = 0; i < v.length; i++) {',
      '    let x: any = v[i];',
      ...check(item, 0).map((s) => `    ${s.replace(/\n/g, '\n    ')}`),
      '    out[i] = x;',
      '  }',
      '  return out;',
      '}',
    ].join('\n'),
  );
}

const typeName = (key: string) => {
  const [type, version] = key.split('@') as [string, string];
  const base = type
    .split(/[._]/)
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
  const v = /^\d+$/.test(version) ? `V${version}` : version.charAt(0).toUpperCase() + version.slice(1);
  return `${base}${v}Event`;
};

const spec = JSON.parse(readFileSync(specPath, 'utf8')) as Record<string, TypeFacts>;
const keys = Object.keys(spec).sort();
const types: string[] = [];
const decoders = new Map<string, string>();
// Types that share one event shape (add/update/remove of a reward, begin/end of a guest star session, ...) are
// emitted once; the later ones are aliases of the first, so that the file states each shape a single time.
const firstWithShape = new Map<string, string>();
for (const key of keys) {
  const facts = spec[key]!;
  const root: Field = { type: 'object', fields: facts.fields };
  const name = typeName(key);
  const ts = tsOf(root, 0);
  decoders.set(key, objectDecoder(root));
  const same = firstWithShape.get(ts);
  types.push(`/** The \`${key}\` event${facts.batched ? ' (one item of a batched delivery)' : ''}, camelCase. */`);
  if (same) types.push(`export type ${name} = ${same};`, '');
  else {
    firstWithShape.set(ts, name);
    types.push(`export interface ${name} ${ts}`, '');
  }
}

const out: string[] = [
  '// GENERATED by packages/eventsub/scripts/generate-events.ts from spec/eventsub-fields.json. Do not edit.',
  '/* eslint-disable */',
  "import { camelize, camelKey } from '../camelCase.js';",
  "import { FAIL, into, wrong } from '../decodeFailure.js';",
  '',
  ...types,
  '/** Every known `type@version` and its public event type. */',
  'export interface EventSubEventMap {',
  ...keys.map((k) => `  '${k}': ${typeName(k)};`),
  '}',
  '',
  ...knownSets.map((list, i) => {
    const entries = (JSON.parse(list) as string[]).map((k) => `${quote(k)}: true`).join(', ');
    return `const K${i}: Readonly<Record<string, true | undefined>> = Object.assign(Object.create(null), { ${entries} });`;
  }),
  '',
  ...functions.flatMap((f) => [f, '']),
  '/**',
  ' * Precompiled decoders by `type@version`: the camelCase event, or `FAIL` with the failure (field path, what was',
  ' * expected) left in `lastFailure`.',
  ' */',
  'export const eventDecoders: { readonly [K in keyof EventSubEventMap]: (event: unknown) => unknown } = {',
  ...keys.map((k) => `  '${k}': ${decoders.get(k)},`),
  '};',
  '',
  '/** Types Twitch delivers batched (`events: [{ id, data }]` instead of `event`). */',
  `export const batchedEventKeys: ReadonlySet<string> = new Set(${JSON.stringify(keys.filter((k) => spec[k]!.batched))});`,
  '',
  "/** The condition keys of each `type@version`, from Twitch's reference. */",
  'export const conditionKeys: { readonly [K in keyof EventSubEventMap]: readonly string[] } = {',
  ...keys.map((k) => `  '${k}': ${JSON.stringify(spec[k]!.condition)},`),
  '};',
  '',
];
writeFileSync(outPath, out.join('\n'));
console.log(`wrote ${keys.length} event types to ${outPath}`);
