/**
 * Builders the generated zod schemas are made of: wire objects (snake_case in, camelCase out, unknown fields kept
 * as they are) and input objects (camelCase in, snake_case out, validated before any request).
 */
import { z } from 'zod';

/** `broadcaster_id` → `broadcasterId`; `url_1x` → `url1x`. */
export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * A response object: checks the known fields, keeps fields Twitch adds later, and renames the known fields to
 * camelCase in the same pass (unknown fields keep their wire names and values untouched).
 */
export function wireObject<S extends z.ZodRawShape>(shape: S): z.ZodType<Record<string, unknown>> {
  const renames = Object.keys(shape)
    .map((key) => [key, camelCase(key)] as const)
    .filter(([key, camel]) => key !== camel);
  const renamed = new Set(renames.map(([key]) => key));
  return z.looseObject(shape).transform((value) => {
    if (renames.length === 0) return value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key in value) {
      if (renamed.has(key)) continue;
      out[key] = (value as Record<string, unknown>)[key];
    }
    for (const [key, camel] of renames) {
      if (key in value) out[camel] = (value as Record<string, unknown>)[key];
    }
    return out;
  });
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
