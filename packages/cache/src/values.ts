import { CacheValueNotSerializableError, CacheValueTooLargeError } from './errors.js';

/**
 * Serializes a value for storage and sizing. Values are JSON: what goes to Redis is what any process can read back,
 * and the JSON length is the size that `maxBytes` and `maxValueBytes` count.
 */
export function encodeValue(key: string, value: unknown, maxValueBytes: number): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (cause) {
    throw new CacheValueNotSerializableError(key, { cause });
  }
  if (json === undefined) throw new CacheValueNotSerializableError(key);
  // String length is a lower bound of the UTF-8 size; only compute the exact size when it could matter.
  if (json.length * 3 > maxValueBytes) {
    const bytes = Buffer.byteLength(json);
    if (bytes > maxValueBytes) throw new CacheValueTooLargeError(key, bytes, maxValueBytes);
  }
  return json;
}

/**
 * Freezes a value and everything it holds, once, when it enters the in-process tier, so that every hit can hand
 * out the same object without cloning it and no caller can change what the next caller reads.
 */
export function deepFreeze<V>(value: V): V {
  // typed arrays cannot be frozen (and are not JSON data anyway): left as they are rather than failing the read
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value) && !ArrayBuffer.isView(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) deepFreeze(child);
  }
  return value;
}

/** JSON with object keys sorted, so that two equal states compare equal whatever order their fields came in. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

/** The default agreement test between a loaded state and a pinned write: equal canonical JSON. */
export function sameState(loaded: unknown, pinned: unknown): boolean {
  return canonicalJson(loaded) === canonicalJson(pinned);
}
