import { z } from 'zod';

/**
 * Schemas of what crosses the Redis boundary: script replies, stored meta and bus messages. Redis is shared with
 * other versions of the app and can hold anything, so nothing it answers is trusted before it parses.
 */

const int = z.number().int();
const ints = z.array(int);

const readSame = z.tuple([z.literal(1), ints]);
const readHit = z.tuple([z.literal(2), int, int, z.string(), z.string(), int, ints]);
const readMiss = z.tuple([
  z.literal(3),
  int,
  ints,
  ints,
  z.string().nullable(),
  z.union([z.literal(0), z.literal(1), z.literal(2)]),
  z.string().nullable(),
  z.string().nullable(),
]);
/** READ's answer when the stored entry is newer than the caller's: stamp, kv, meta, json, pttl, feed coverage. */
export type ReadHit = z.infer<typeof readHit>;
/**
 * READ's answer when there is no entry: kv, tag versions, feed epochs and coverage, pinned json, lease code, order
 * position, the pin's scope (JSON array) when it holds some parts only.
 */
export type ReadMiss = z.infer<typeof readMiss>;
type ReadReply = z.infer<typeof readSame> | ReadHit | ReadMiss;

/** Reply of the READ script; dispatched on its first element so that only one schema runs on the hot path. */
export const readReply = {
  safeParse(v: unknown): { success: true; data: ReadReply } | { success: false; error: unknown } {
    const code = Array.isArray(v) ? v[0] : undefined;
    const schema = code === 2 ? readHit : code === 1 ? readSame : readMiss;
    return schema.safeParse(v) as { success: true; data: ReadReply } | { success: false; error: unknown };
  },
};

/** Reply of HMGET d:<key> s k m v x. */
export const peekReply = z.tuple([
  z.string().nullable(),
  z.string().nullable(),
  z.string().nullable(),
  z.string().nullable(),
  z.string().nullable(),
]);

/** Reply of an MGET of versions. */
export const mgetReply = z.array(z.string().regex(/^\d+$/).nullable());

/** Reply of the FILL script. */
export const fillReply = z.union([
  z.tuple([z.literal(1), int]),
  z.tuple([z.literal(0), z.enum(['version', 'tag', 'feed', 'pin'])]),
]);

/** Reply of the WRITE script. */
export const writeReply = z.tuple([int, z.union([z.literal(0), z.literal(1)]), ints, ints]);

/** Reply of the APPLY_KEY and APPLY_TAG scripts; `held` lists (window id, written JSON or '', remaining ms)... */
export const applyReply = z.union([
  z.tuple([z.enum(['duplicate', 'ignored'])]),
  z.tuple([z.literal('held'), z.array(z.union([z.string(), int]))]),
  z.tuple([z.literal('applied'), int]),
  z.tuple([z.literal('applied'), int, z.union([z.literal(0), z.literal(1)]), ints, ints]),
]);

/** Reply of the OPEN_WINDOW and CLOSE_WINDOW scripts. */
export const windowReply = z.literal(1);

/** Reply of the COVERAGE script. */
export const coverageReply = z.tuple([int, int]);

/** The parts a pin holds (decoded from READ's scope JSON). */
export const pinScopeOf = z.array(z.string());

/** Meta of a stored value: the tag versions and feed epochs it was filled under. */
export const storedMeta = z.object({
  t: z.array(z.tuple([z.string(), int])),
  f: z.array(z.tuple([z.string(), int])),
});
export type StoredMeta = z.infer<typeof storedMeta>;

/**
 * Bus message kinds: key/tag/feed version advanced, a fill that others wait for was stored, a write window of a key
 * ended, settled or closed.
 */
const busKind = z.enum(['k', 't', 'f', 'F', 'o', 's']);

/** A bus message, `kind|version|origin|name`; the name is last so that it may contain `|`. */
export interface BusMessage {
  kind: z.infer<typeof busKind>;
  version: number;
  origin: string;
  name: string;
}

/** Parses a bus message; undefined when it is not one of ours. */
export function parseBusMessage(raw: string): BusMessage | undefined {
  const a = raw.indexOf('|');
  const b = raw.indexOf('|', a + 1);
  const c = raw.indexOf('|', b + 1);
  if (a < 0 || b < 0 || c < 0) return undefined;
  const kind = busKind.safeParse(raw.slice(0, a));
  const version = Number(raw.slice(a + 1, b));
  const name = raw.slice(c + 1);
  if (!kind.success || !Number.isSafeInteger(version) || name.length === 0) return undefined;
  return { kind: kind.data, version, origin: raw.slice(b + 1, c), name };
}
