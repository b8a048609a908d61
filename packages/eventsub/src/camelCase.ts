/** snake_case (and kebab-case) keys to camelCase, deep; values are kept as they are. */

const cache = new Map<string, string>();

export function camelKey(key: string): string {
  let out = cache.get(key);
  if (out === undefined) {
    out = key.replace(/[_-]+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    // Keys are a small fixed vocabulary; the bound keeps hostile input from growing the cache.
    if (cache.size < 4096) cache.set(key, out);
  }
  return out;
}

export function camelize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelize);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key in value) out[camelKey(key)] = camelize((value as Record<string, unknown>)[key]);
  return out;
}
