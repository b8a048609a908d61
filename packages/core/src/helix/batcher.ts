import { AbortError } from '../errors.js';
import { leaseSignal } from './signal-lease.js';

/** Options of {@link Batcher}. */
export interface BatcherOptions<K, V> {
  /** Fetches up to `maxBatch` keys in one call; resolves with the values found (missing keys: not found). */
  fetch(keys: K[], group: string): Promise<Map<K, V>>;
  /** Keys per call (default 100, Helix's limit). */
  maxBatch?: number;
  /** Schedules the flush of keys collected in this tick (default `setImmediate`). */
  schedule?: (flush: () => void) => void;
}

interface Pending<V> {
  resolve(value: V | undefined): void;
  reject(error: unknown): void;
}

/**
 * Collects the keys asked for by concurrent callers in the same tick and fetches them in calls of up to
 * `maxBatch`, per group (a group is e.g. the user whose token is used). Callers asking for the same key share
 * one slot. One scheduled flush per group, never a timer per key.
 */
export class Batcher<K, V> {
  readonly #fetch: BatcherOptions<K, V>['fetch'];
  readonly #max: number;
  readonly #schedule: (flush: () => void) => void;
  readonly #groups = new Map<string, Map<K, Pending<V>[]>>();

  constructor(options: BatcherOptions<K, V>) {
    this.#fetch = options.fetch;
    this.#max = options.maxBatch ?? 100;
    this.#schedule = options.schedule ?? ((flush) => setImmediate(flush));
  }

  /** The value of `key`, or `undefined` when Twitch does not know it. */
  load(key: K, group = '', signal?: AbortSignal): Promise<V | undefined> {
    if (signal?.aborted) return Promise.reject(new AbortError('batched lookup', { cause: signal.reason }));
    let keys = this.#groups.get(group);
    if (!keys) {
      keys = new Map();
      this.#groups.set(group, keys);
      this.#schedule(() => this.#flush(group));
    }
    let waiters = keys.get(key);
    if (!waiters) {
      waiters = [];
      keys.set(key, waiters);
    }
    const list = waiters;
    return new Promise<V | undefined>((resolve, reject) => {
      // The caller may stop waiting; the shared request still serves the others. Many waiters share one caller
      // signal (the cache's): each listens on a lease of it, so the caller's signal carries one listener in all.
      const lease = leaseSignal(signal);
      const onAbort = () => {
        lease.release();
        reject(new AbortError('batched lookup', { cause: signal?.reason }));
      };
      lease.signal?.addEventListener('abort', onAbort, { once: true });
      list.push({
        resolve: (value) => {
          lease.signal?.removeEventListener('abort', onAbort);
          lease.release();
          resolve(value);
        },
        reject: (error) => {
          lease.signal?.removeEventListener('abort', onAbort);
          lease.release();
          reject(error);
        },
      });
    });
  }

  #flush(group: string): void {
    const keys = this.#groups.get(group);
    this.#groups.delete(group);
    if (!keys) return;
    const all = [...keys.keys()];
    for (let i = 0; i < all.length; i += this.#max) {
      const chunk = all.slice(i, i + this.#max);
      this.#fetch(chunk, group).then(
        (found) => {
          for (const key of chunk) for (const waiter of keys.get(key) ?? []) waiter.resolve(found.get(key));
        },
        (error: unknown) => {
          for (const key of chunk) for (const waiter of keys.get(key) ?? []) waiter.reject(error);
        },
      );
    }
  }
}
