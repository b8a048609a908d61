import { LRUCache } from 'lru-cache';
import { EMPTY, type FeedStates, type KeyState, NO_FEEDS } from './state.js';
import type { Step } from './transitions.js';

/**
 * Where key states live, and the one way to change them: run a transition on the current state and commit its result
 * atomically. A store never interprets a state; the rules are the transitions'.
 */
export interface StateStore {
  /** The key's current state ({@link EMPTY} when nothing is known), with the states of `feeds` read at once. */
  read(key: string, feeds?: readonly string[]): Promise<{ state: KeyState; feeds: FeedStates }>;
  /**
   * Runs `step` on the key's current state (and the states of `feeds`, read with it) and commits the state it
   * returns, unless another change committed first or one of those feeds moved: then `step` runs again on the newer
   * states. A step that returns the state it was given commits nothing.
   */
  update<R>(
    key: string,
    step: (state: KeyState, feeds: FeedStates) => Step<R>,
    feeds?: readonly string[],
  ): Promise<Step<R>>;
}

/** Where a memory store reads feed states from (the cache's coverage, in one process). */
export type FeedReader = (names: readonly string[]) => FeedStates;

/** Key states in this process only, bounded by keys (least recently used go first). */
export class MemoryStateStore implements StateStore {
  readonly #states: LRUCache<string, KeyState>;
  readonly #committed: ((key: string, state: KeyState) => void) | undefined;
  readonly #feeds: FeedReader;

  constructor(options: {
    maxKeys: number;
    committed?: (key: string, state: KeyState) => void;
    feeds?: FeedReader;
  }) {
    this.#states = new LRUCache({ max: options.maxKeys });
    this.#committed = options.committed;
    this.#feeds = options.feeds ?? (() => NO_FEEDS);
  }

  read(key: string, feeds: readonly string[] = []): Promise<{ state: KeyState; feeds: FeedStates }> {
    return Promise.resolve({ state: this.getNow(key), feeds: feeds.length === 0 ? NO_FEEDS : this.#feeds(feeds) });
  }

  /** The current state, synchronously. */
  getNow(key: string): KeyState {
    return this.#states.get(key) ?? EMPTY;
  }

  update<R>(
    key: string,
    step: (state: KeyState, feeds: FeedStates) => Step<R>,
    feeds: readonly string[] = [],
  ): Promise<Step<R>> {
    return Promise.resolve(this.updateNow(key, step, feeds));
  }

  /** {@link update}, synchronously: in one process there is nobody to race with. */
  updateNow<R>(
    key: string,
    step: (state: KeyState, feeds: FeedStates) => Step<R>,
    feeds: readonly string[] = [],
  ): Step<R> {
    const current = this.getNow(key);
    const done = step(current, feeds.length === 0 ? NO_FEEDS : this.#feeds(feeds));
    if (done.state !== current) {
      this.#states.set(key, done.state);
      this.#committed?.(key, done.state);
    }
    return done;
  }
}
