/**
 * Reconciles the subscriptions an app wants with what Helix holds: adopts what exists, deletes what is orphaned
 * (in scope but not wanted, disabled, or duplicated), creates what is missing, and treats a 409 as "it exists":
 * list again and adopt. After any number of restarts, no duplicate or orphan remains in scope.
 */
import type { EventSubApi, TransportSpec } from './api.js';
import { EventSubApiError, type EventSubError } from './errors.js';
import { keyOfSubscription } from './subscription.js';
import type { EventSubSubscription, Logger, SubscriptionSpec } from './types.js';

export interface ReconcileTarget {
  transport: TransportSpec;
  /** An existing subscription this reconcile may adopt or delete. */
  owns(s: EventSubSubscription): boolean;
  /** An owned subscription that delivers where `transport` does. */
  delivers(s: EventSubSubscription): boolean;
}

export interface ReconcileResult {
  active: Map<string, EventSubSubscription>;
  failed: Map<string, EventSubError>;
  adopted: number;
  created: number;
  deleted: number;
}

/** Runs `fn` over `items` with at most `limit` at a time. */
export async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export class SubscriptionManager {
  readonly #api: EventSubApi;
  readonly #logger: Logger;
  readonly #concurrency: number;

  constructor(options: { api: EventSubApi; logger: Logger; concurrency?: number }) {
    this.#api = options.api;
    this.#logger = options.logger;
    this.#concurrency = options.concurrency ?? 8;
  }

  /** `stillCurrent` is checked between calls: when it turns false (the session went away) the work stops. */
  async reconcile(
    desired: ReadonlyMap<string, SubscriptionSpec>,
    target: ReconcileTarget,
    stillCurrent: () => boolean = () => true,
  ): Promise<ReconcileResult> {
    const result: ReconcileResult = { active: new Map(), failed: new Map(), adopted: 0, created: 0, deleted: 0 };
    const existing = await this.#api.listSubscriptions();
    const orphans: EventSubSubscription[] = [];
    for (const s of existing) {
      if (!target.owns(s)) continue;
      const key = keyOfSubscription(s);
      if (desired.has(key) && s.status === 'enabled' && target.delivers(s) && !result.active.has(key)) {
        result.active.set(key, s);
        result.adopted++;
      } else orphans.push(s);
    }
    // Create first: a new WebSocket session must get a subscription within its window; orphans can wait.
    const missing = [...desired].filter(([key]) => !result.active.has(key));
    await mapLimit(missing, this.#concurrency, async ([key, spec]) => {
      if (!stillCurrent()) return;
      try {
        result.active.set(key, await this.create(key, spec, target));
        result.created++;
      } catch (error) {
        result.failed.set(key, error as EventSubError);
      }
    });
    await mapLimit(orphans, this.#concurrency, async (s) => {
      if (!stillCurrent()) return;
      try {
        await this.#api.deleteSubscription(s.id);
        result.deleted++;
      } catch (error) {
        // A 404 means someone else deleted it: the goal is reached either way.
        if (!(error instanceof EventSubApiError && error.status === 404)) {
          this.#logger.warn('eventsub orphan delete failed', { id: s.id, error });
        }
      }
    });
    return result;
  }

  /** Creates one subscription; on 409 adopts the existing one when it delivers to the target. */
  async create(key: string, spec: SubscriptionSpec, target: ReconcileTarget): Promise<EventSubSubscription> {
    try {
      return await this.#api.createSubscription(spec, target.transport);
    } catch (error) {
      if (!(error instanceof EventSubApiError && error.status === 409)) throw error;
      const same = (await this.#api.listSubscriptions({ type: spec.type })).filter(
        (s) => target.owns(s) && target.delivers(s) && keyOfSubscription(s) === key,
      );
      const enabled = same.find((s) => s.status === 'enabled');
      if (enabled) return enabled;
      // The conflict is one of ours that is not enabled (a webhook still pending verification): replace it once.
      if (same.length === 0) throw error;
      for (const s of same) await this.#api.deleteSubscription(s.id);
      return await this.#api.createSubscription(spec, target.transport);
    }
  }
}
