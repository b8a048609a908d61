/**
 * Reads in flight: each remembers the highest version of its key heard while it ran. This is the placeholder that
 * closes the read/invalidate race: an answer that arrives after an invalidation of its key was heard is not stored,
 * whichever connection carried which first.
 */
export interface Tracker {
  readonly key: string;
  /** Trust epoch when the read began; a bump since means changes may have been missed meanwhile. */
  readonly epoch: number;
  /** Highest version of the key heard since the read began (0: none). */
  seenKv: number;
  /** The knowledge's count of tag and feed advances when the read began. */
  readonly depChanges: number;
}

/** The registry of trackers, by key. */
export class Trackers {
  readonly #byKey = new Map<string, Set<Tracker>>();

  begin(key: string, epoch: number, depChanges: number): Tracker {
    const tracker: Tracker = { key, epoch, seenKv: 0, depChanges };
    const set = this.#byKey.get(key);
    if (set === undefined) this.#byKey.set(key, new Set([tracker]));
    else set.add(tracker);
    return tracker;
  }

  end(tracker: Tracker): void {
    const set = this.#byKey.get(tracker.key);
    if (set === undefined) return;
    set.delete(tracker);
    if (set.size === 0) this.#byKey.delete(tracker.key);
  }

  /** Records that the key advanced to `version`. */
  keyChanged(key: string, version: number): void {
    const set = this.#byKey.get(key);
    if (set === undefined) return;
    for (const t of set) if (t.seenKv < version) t.seenKv = version;
  }

  /** Whether what the tracker read at key version `kv` is already stale. */
  static stale(tracker: Tracker, kv: number, epoch: number): boolean {
    return tracker.epoch !== epoch || tracker.seenKv > kv;
  }
}
