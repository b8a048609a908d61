/**
 * States this process knows to be newer than what Helix may still serve: the fields of a write it made (Twitch
 * answers 204, or lags behind the write for a second or two) and the fields an event carried. Every load from Helix
 * of the same key goes through {@link KnownStates.overlay}, so a read that misses the cache (first read, eviction,
 * a fill refused as stale) can never bring back the state before them.
 *
 * An entry ends when Helix agrees with it, when a newer one replaces it, or when its window runs out: the same
 * rules as the cache's pinned writes, which this complements for keys the cache does not hold.
 */

interface Known<V> {
  at: number;
  until: number;
  apply: (loaded: V) => V;
  agrees: (loaded: V) => boolean;
}

/** Options of {@link KnownStates}. */
export interface KnownStatesOptions {
  clock: { now(): number };
  /** How long a known state overrides Helix at most (ms). */
  windowMs: number;
  /**
   * The longest Helix takes to show a change (ms), counted from the change's `at`: by then Helix shows that state or
   * a newer one, so the known state stops overriding it. (A newer one whose event this process missed, a lost event
   * or one sent while nobody listened, must not have an older known state laid over it.) Default: no bound.
   */
  lagMs?: number;
}

export class KnownStates {
  readonly #map = new Map<string, Known<unknown>[]>();
  readonly #o: KnownStatesOptions;

  constructor(options: KnownStatesOptions) {
    this.#o = options;
  }

  /**
   * Records that `key` has a state at order position `at` that `apply` builds on top of a loaded one, and that a
   * loaded state satisfying `agrees` already reflects. Several may be held at once (two fields changed by two
   * events); they are applied in `at` order.
   */
  remember<V>(key: string, at: number, apply: (loaded: V) => V, agrees: (loaded: V) => boolean): void {
    const list = (this.#map.get(key) ?? []) as Known<V>[];
    const lagBound = this.#o.lagMs === undefined ? Number.POSITIVE_INFINITY : at + this.#o.lagMs;
    list.push({ at, until: Math.min(this.#o.clock.now() + this.#o.windowMs, lagBound), apply, agrees });
    list.sort((a, b) => a.at - b.at);
    // Bounded: a handful per key is all a lagging source can need.
    if (list.length > 16) list.splice(0, list.length - 16);
    this.#map.set(key, list as Known<unknown>[]);
  }

  /**
   * Applies what is still known about `key` to a state just loaded from Helix; forgets what Helix now agrees with.
   * `newestAt` is the order position of the newest change the cache has recorded for the key (by any process): a
   * known state at or before it is in the cache already, whose pin (shared by every process) holds it against a
   * lagging Helix until Helix agrees, so it is not laid over here. Laying it over would be wrong once its pin ended:
   * Helix may then show a newer state whose event this process missed (lost, or sent while nobody listened), and
   * only this process would bring back the older one. What is laid over is what the cache has not recorded yet.
   */
  overlay<V>(key: string, loaded: V, newestAt?: number): V {
    const list = this.#map.get(key) as Known<V>[] | undefined;
    if (!list) return loaded;
    const now = this.#o.clock.now();
    let value = loaded;
    const keep: Known<V>[] = [];
    let agreedUpTo = -1;
    for (let i = 0; i < list.length; i++) if (list[i]!.agrees(loaded)) agreedUpTo = i;
    for (let i = 0; i < list.length; i++) {
      const k = list[i]!;
      // Helix agreeing with a later state means it has caught up with every earlier one too.
      if (k.until <= now || i <= agreedUpTo) continue;
      if (newestAt !== undefined && k.at <= newestAt) {
        // recorded in the cache: not laid over, but kept for loads made while the cache cannot be asked
        keep.push(k);
        continue;
      }
      value = k.apply(value);
      keep.push(k);
    }
    if (keep.length === 0) this.#map.delete(key);
    else this.#map.set(key, keep as Known<unknown>[]);
    return value;
  }

  /** The order position of the newest state known for `key` (undefined when none is live). */
  latestAt(key: string): number | undefined {
    const list = this.#map.get(key);
    if (!list) return undefined;
    const now = this.#o.clock.now();
    const live = list.filter((k) => k.until > now);
    return live.length ? live[live.length - 1]!.at : undefined;
  }

  /** Whether anything is known about `key`. */
  has(key: string): boolean {
    return this.#map.has(key);
  }

  clear(): void {
    this.#map.clear();
  }
}
