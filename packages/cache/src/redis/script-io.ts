import type { Deps, FeedState, Snapshot, StoredEntry, Versioned } from '../authority.js';
import { CacheDecodeError } from '../errors.js';
import { pinScopeOf, type ReadHit, type ReadMiss, storedMeta } from '../wire/replies.js';

/**
 * What goes into the Lua scripts of `scripts.ts` and how their answers become the authority's values: flat string
 * arguments in, parsed tuples out. Kept apart from `RedisAuthority`, which owns the connections, the bus and the
 * breaker, so that the argument layouts can be read next to each other and against the scripts.
 */

/** Script arguments for a value's dependencies: ntags, tags..., nfeeds, feeds... */
export function depArgs(deps: Deps): string[] {
  const basis = deps.basis ?? [];
  return [
    String(deps.tags.length),
    ...deps.tags,
    String(deps.feeds.length),
    ...deps.feeds,
    String(basis.length),
    ...basis.flatMap(([f, e]) => [f, String(e)]),
  ];
}

/** Script argument for a pin's scope: a JSON array of its parts, '' for the whole value. */
export function scopeArg(pinScope: readonly string[] | undefined): string {
  return pinScope === undefined ? '' : JSON.stringify(pinScope);
}

/** Pairs the versions a script answered (tags', then feeds' as epoch/coverage pairs) with their names. */
export function depStates(deps: Deps, tv: readonly number[], fv: readonly number[]) {
  return {
    tags: deps.tags.map((t, i): Versioned => [t, tv[i] ?? -1]),
    feeds: deps.feeds.map((f, i): FeedState => [f, fv[2 * i] ?? -1, fv[2 * i + 1] ?? 0]),
  };
}

/** FILL's arguments after the common head: the snapshot's meta, then its tag and feed versions. */
export function fillTail(snap: Snapshot): string[] {
  const meta =
    snap.tags.length === 0 && snap.feeds.length === 0
      ? ''
      : JSON.stringify({ t: snap.tags, f: snap.feeds.map(([f, e]) => [f, e]) });
  const args = [meta, String(snap.tags.length)];
  for (const [t, v] of snap.tags) args.push(t, String(v));
  args.push(String(snap.feeds.length));
  for (const [f, e] of snap.feeds) args.push(f, String(e));
  return args;
}

/** Decodes a stored value's JSON; throws when it is not JSON or its key's validator refuses it. */
export type ValueDecoder = (json: string) => unknown;

/** The entry READ found; throws (a JSON or schema error) when what Redis holds does not decode. */
export function storedEntryOf(hit: ReadHit, decode: ValueDecoder): StoredEntry {
  const [, stamp, kv, meta, json, pttl, cover] = hit;
  const m = meta === '' ? { t: [], f: [] } : storedMeta.parse(JSON.parse(meta));
  return {
    value: decode(json),
    stamp,
    kv,
    tags: m.t,
    feeds: m.f.map(([f, e], i): FeedState => [f, e, cover[i] ?? 0]),
    ttlMs: Math.max(pttl, 0),
    bytes: json.length,
  };
}

/** The snapshot READ answered on a miss; a pinned value that does not decode is reported and ignored. */
export function snapshotOf(
  key: string,
  deps: Deps,
  miss: ReadMiss,
  decode: ValueDecoder,
  onDecodeError: (error: CacheDecodeError) => void,
): Snapshot {
  const [, kv, tagVersions, feedFlat, pinJson, leaseCode, atText, scopeJson] = miss;
  const at = atText === null ? undefined : Number(atText);
  let pin: Snapshot['pin'];
  if (pinJson !== null) {
    try {
      const value: unknown = decode(pinJson);
      pin = scopeJson === null ? { value } : { value, scope: pinScopeOf.parse(JSON.parse(scopeJson)) };
    } catch (cause) {
      onDecodeError(new CacheDecodeError(key, 'pinned value does not decode; pin ignored', { cause }));
    }
  }
  return {
    kv,
    ...depStates(deps, tagVersions, feedFlat),
    pin,
    lease: leaseCode === 1 ? 'held' : leaseCode === 2 ? 'busy' : 'none',
    at: at !== undefined && Number.isFinite(at) ? at : undefined,
  };
}
