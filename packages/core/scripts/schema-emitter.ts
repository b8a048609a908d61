/**
 * Turns the spec's JSON schemas into TypeScript source: zod wire schemas and public camelCase types of responses,
 * zod input schemas and types of parameters and bodies. Named components are emitted once, in dependency order.
 */
import { camel, firstMax, key, refName, type Schema } from './helix-spec.js';

/** Builds the emitters over the spec's named components; `wireLines`/`typeLines` collect what was emitted. */
export function createSchemaEmitter(components: Record<string, Schema>) {
  const emittedWire = new Set<string>();
  const wireLines: string[] = [];
  const typeLines: string[] = [];
  const emittedTypes = new Set<string>();

  function wireZod(schema: Schema): string {
    let out: string;
    if (schema.$ref) {
      const name = refName(schema.$ref);
      emitWireComponent(name);
      out = `${name}Wire`;
    } else if (schema.type === 'array') {
      out = `z.array(${wireZod(schema.items ?? {})})`;
    } else if (schema.type === 'object' || schema.properties) {
      if (schema.properties) {
        const required = new Set(schema.required ?? []);
        const fields = Object.entries(schema.properties).map(
          ([name, prop]) => `${key(name)}: ${wireZod(prop)}${required.has(name) ? '' : '.optional()'}`,
        );
        out = `wireObject({ ${fields.join(', ')} })`;
      } else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        out = `z.record(z.string(), ${wireZod(schema.additionalProperties)})`;
      } else {
        out = 'z.record(z.string(), z.unknown())';
      }
    } else if (schema.type === 'string') {
      // Enums in answers stay open: Twitch adds values, and a new value must not break a read.
      out = 'z.string()';
    } else if (schema.type === 'integer' || schema.type === 'number') {
      out = 'z.number()';
    } else if (schema.type === 'boolean') {
      out = 'z.boolean()';
    } else {
      out = 'z.unknown()';
    }
    return schema.nullable ? `${out}.nullable()` : out;
  }

  function emitWireComponent(name: string): void {
    if (emittedWire.has(name)) return;
    emittedWire.add(name);
    const expression = wireZod(components[name]!);
    wireLines.push(`export const ${name}Wire = ${expression};`);
  }

  /** Public (camelCase) TypeScript type of a response schema. */
  function publicType(schema: Schema, indent = '  '): string {
    let out: string;
    if (schema.$ref) {
      const name = refName(schema.$ref);
      emitPublicInterface(name);
      out = name;
    } else if (schema.type === 'array') {
      const item = publicType(schema.items ?? {}, indent);
      out = /[|&]/.test(item) ? `(${item})[]` : `${item}[]`;
    } else if (schema.type === 'object' || schema.properties) {
      if (schema.properties) out = `{\n${publicFields(schema, `${indent}  `)}${indent}}`;
      else if (schema.additionalProperties && typeof schema.additionalProperties === 'object')
        out = `Record<string, ${publicType(schema.additionalProperties, indent)}>`;
      else out = 'Record<string, unknown>';
    } else if (schema.type === 'string') {
      out = schema.enum ? `${schema.enum.map((v) => JSON.stringify(v)).join(' | ')} | (string & {})` : 'string';
    } else if (schema.type === 'integer' || schema.type === 'number') {
      out = 'number';
    } else if (schema.type === 'boolean') {
      out = 'boolean';
    } else {
      out = 'unknown';
    }
    return schema.nullable ? `${out} | null` : out;
  }

  function publicFields(schema: Schema, indent: string): string {
    const required = new Set(schema.required ?? []);
    return Object.entries(schema.properties ?? {})
      .map(([name, prop]) => {
        const doc = prop.deprecated ? `${indent}/** @deprecated */\n` : '';
        const wire = camel(name) === name ? '' : ` (wire: \`${name}\`)`;
        const fmt = prop.format === 'date-time' ? ' ISO 8601 date-time.' : '';
        const comment = wire || fmt ? `${indent}/**${wire ? ` Twitch's \`${name}\`.` : ''}${fmt} */\n` : '';
        return `${doc || comment}${indent}readonly ${key(camel(name))}${required.has(name) ? '' : '?'}: ${publicType(prop, indent)};\n`;
      })
      .join('');
  }

  function emitPublicInterface(name: string): void {
    if (emittedTypes.has(name)) return;
    emittedTypes.add(name);
    const schema = components[name]!;
    if (schema.properties) {
      typeLines.push(
        `/** Twitch's \`${name}\`, with camelCase fields. */\nexport interface ${name} {\n${publicFields(schema, '  ')}}\n`,
      );
    } else {
      typeLines.push(`export type ${name} = ${publicType(schema)};\n`);
    }
  }

  // ---------- input schemas (parameters and bodies) ----------
  function resolve(schema: Schema): Schema {
    return schema.$ref ? resolve(components[refName(schema.$ref)]!) : schema;
  }

  function inputZod(raw: Schema, opId: string, paramName?: string): string {
    const schema = resolve(raw);
    let out: string;
    if (schema.type === 'array') {
      out = `z.array(${inputZod(schema.items ?? {}, opId)})`;
    } else if (schema.type === 'object' || schema.properties) {
      if (schema.properties) {
        const required = new Set(schema.required ?? []);
        const entries = Object.entries(schema.properties);
        const fields = entries.map(
          ([name, prop]) => `${key(camel(name))}: ${inputZod(prop, opId)}${required.has(name) ? '' : '.optional()'}`,
        );
        const names = entries.map(([name]) => `${key(camel(name))}: ${JSON.stringify(name)}`);
        out = `inputObject({ ${fields.join(', ')} }, { ${names.join(', ')} })`;
      } else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        out = `z.record(z.string(), ${inputZod(schema.additionalProperties, opId)})`;
      } else {
        out = 'z.record(z.string(), z.unknown())';
      }
    } else if (schema.type === 'string') {
      if (schema.enum) out = `z.enum(${JSON.stringify(schema.enum)})`;
      else if (schema.format === 'date-time') out = 'dateTimeInput';
      else out = 'z.string()';
    } else if (schema.type === 'integer') {
      out = paramName === 'first' ? `z.number().int().min(1).max(${firstMax[opId] ?? 100})` : 'z.number().int()';
    } else if (schema.type === 'number') {
      out = 'z.number()';
    } else if (schema.type === 'boolean') {
      out = 'z.boolean()';
    } else {
      out = 'z.unknown()';
    }
    return schema.nullable ? `${out}.nullable()` : out;
  }

  function inputType(raw: Schema, indent = '  '): string {
    const schema = resolve(raw);
    let out: string;
    if (schema.type === 'array') {
      const item = inputType(schema.items ?? {}, indent);
      out = /[|&]/.test(item) ? `readonly (${item})[]` : `readonly ${item}[]`;
    } else if (schema.type === 'object' || schema.properties) {
      if (schema.properties) {
        const required = new Set(schema.required ?? []);
        const fields = Object.entries(schema.properties)
          .map(
            ([name, prop]) =>
              `${indent}  ${key(camel(name))}${required.has(name) ? '' : '?'}: ${inputType(prop, `${indent}  `)};\n`,
          )
          .join('');
        out = `{\n${fields}${indent}}`;
      } else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        out = `Record<string, ${inputType(schema.additionalProperties, indent)}>`;
      } else out = 'Record<string, unknown>';
    } else if (schema.type === 'string') {
      if (schema.enum) out = schema.enum.map((v) => JSON.stringify(v)).join(' | ');
      else if (schema.format === 'date-time') out = 'string | Date';
      else out = 'string';
    } else if (schema.type === 'integer' || schema.type === 'number') out = 'number';
    else if (schema.type === 'boolean') out = 'boolean';
    else out = 'unknown';
    return schema.nullable ? `${out} | null` : out;
  }

  return {
    wireZod,
    emitWireComponent,
    publicType,
    emitPublicInterface,
    resolve,
    inputZod,
    inputType,
    wireLines,
    typeLines,
  };
}
