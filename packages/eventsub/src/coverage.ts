/**
 * The coverage signal: for each subscription, since when events are known to be arriving, and every interval in
 * which they were not (disconnects, failed creates, revocations, a lost conduit shard). A consumer such as a cache
 * revalidates whatever may have changed inside a gap. Gap bounds are conservative: a gap starts at the last frame
 * known to have arrived and ends when the subscription was confirmed enabled on a live session.
 */
import { Listeners } from './listeners.js';
import type { Clock, Logger, SubscriptionSpec, Unsubscribe } from './types.js';

export type GapReason = 'not-yet-subscribed' | 'disconnected' | 'create-failed' | 'revoked' | 'shard-lost' | 'stopped';

/** A closed interval in which events of a subscription may have been missed. */
export interface CoverageGap {
  start: number;
  end: number;
  reason: GapReason;
  detail?: string;
}

export type CoverageEvent =
  /** Events of `key` are arriving from `since`; `closedGap` is the gap this ends (null if there was none). */
  | { type: 'covered'; key: string; spec: SubscriptionSpec; since: number; closedGap: CoverageGap | null }
  /**
   * Events of `key` may be missed from `since` until a `covered` event says otherwise. Sent again, with the same
   * `since`, when the cause of an open gap changes (e.g. `not-yet-subscribed` becomes `create-failed`).
   */
  | { type: 'uncovered'; key: string; spec: SubscriptionSpec; since: number; reason: GapReason; detail?: string }
  /** A gap learnt after it ended (another shard of the conduit was lost); coverage continues. */
  | { type: 'gap'; key: string; spec: SubscriptionSpec; gap: CoverageGap };

export interface CoverageState {
  key: string;
  spec: SubscriptionSpec;
  coveredSince: number | null;
  openGap: { start: number; reason: GapReason; detail?: string } | null;
  /** Most recent closed gaps, oldest first (bounded). */
  gaps: CoverageGap[];
}

const maxGapsKept = 50;

export class CoverageTracker {
  readonly #states = new Map<string, CoverageState>();
  readonly #listeners: Listeners<CoverageEvent>;
  readonly #clock: Clock;

  constructor(clock: Clock, logger: Logger) {
    this.#clock = clock;
    this.#listeners = new Listeners('coverage', logger);
  }

  /** Calls `handler` for every change; returns the function that stops it. */
  onChange(handler: (event: CoverageEvent) => void): Unsubscribe {
    return this.#listeners.add(handler);
  }

  /** Every tracked subscription's state (copies). */
  snapshot(): CoverageState[] {
    return [...this.#states.values()].map((s) => ({ ...s, gaps: [...s.gaps] }));
  }

  get(key: string): CoverageState | undefined {
    const s = this.#states.get(key);
    return s ? { ...s, gaps: [...s.gaps] } : undefined;
  }

  /** Starts tracking: uncovered until the subscription is first enabled. */
  track(key: string, spec: SubscriptionSpec): void {
    if (this.#states.has(key)) return;
    const since = this.#clock.now();
    this.#states.set(key, {
      key,
      spec,
      coveredSince: null,
      openGap: { start: since, reason: 'not-yet-subscribed' },
      gaps: [],
    });
    this.#listeners.emit({ type: 'uncovered', key, spec, since, reason: 'not-yet-subscribed' });
  }

  untrack(key: string): void {
    this.#states.delete(key);
  }

  covered(key: string, at = this.#clock.now()): void {
    const s = this.#states.get(key);
    if (!s || s.coveredSince !== null) return;
    const gap = s.openGap ? this.#close(s, s.openGap, at) : null;
    s.coveredSince = at;
    s.openGap = null;
    this.#listeners.emit({ type: 'covered', key, spec: s.spec, since: at, closedGap: gap });
  }

  /** Opens a gap from `at`; an already open gap keeps its earlier start and takes the latest reason. */
  uncovered(key: string, at: number, reason: GapReason, detail?: string): void {
    const s = this.#states.get(key);
    if (!s) return;
    if (s.openGap) {
      // Still the same gap (its start stays); say so again only when its cause changed.
      if (s.openGap.reason === reason && s.openGap.detail === detail) return;
      const since = s.openGap.start;
      s.openGap = { start: since, reason, ...(detail ? { detail } : {}) };
      this.#listeners.emit({ type: 'uncovered', key, spec: s.spec, since, reason, ...(detail ? { detail } : {}) });
      return;
    }
    s.coveredSince = null;
    s.openGap = { start: at, reason, ...(detail ? { detail } : {}) };
    this.#listeners.emit({ type: 'uncovered', key, spec: s.spec, since: at, reason, ...(detail ? { detail } : {}) });
  }

  /** Records a gap that has already ended. */
  pastGap(key: string, gap: CoverageGap): void {
    const s = this.#states.get(key);
    if (!s) return;
    this.#push(s, gap);
    this.#listeners.emit({ type: 'gap', key, spec: s.spec, gap });
  }

  clear(): void {
    this.#states.clear();
    this.#listeners.clear();
  }

  #close(s: CoverageState, open: NonNullable<CoverageState['openGap']>, end: number): CoverageGap {
    const gap: CoverageGap = {
      start: open.start,
      end,
      reason: open.reason,
      ...(open.detail ? { detail: open.detail } : {}),
    };
    this.#push(s, gap);
    return gap;
  }

  #push(s: CoverageState, gap: CoverageGap): void {
    s.gaps.push(gap);
    if (s.gaps.length > maxGapsKept) s.gaps.shift();
  }
}
