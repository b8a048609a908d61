import { LRUCache } from 'lru-cache';
import { EMPTY, type KeyState } from './state.js';
import type { Step } from './transitions.js';

/**
 * Where key states live, and the one way to change them: run a transition on the current state and commit its result
 * atomically. A store never interprets a state; the rules are the transitions'.
 */
export interface StateStore {
  /** The key's current state ({@link EMPTY} when nothing is known). */
  get(key: string): Promise<KeyState>;
  /**
   * Runs `step` on the key's current state and commits the state it returns, unless another change committed first:
   * then `step` runs again on the newer state. A step that returns the state it was given commits nothing.
   */
  update<R>(key: string, step: (state: KeyState) => Step<R>): Promise<Step<R>>;
}

/** Key states in this process only, bounded by keys (least recently used go first). */
export class MemoryStateStore implements StateStore {
  readonly #states: LRUCache<string, KeyState>;
  readonly #committed: ((key: string, state: KeyState) => void) | undefined;

  constructor(options: { maxKeys: number; committed?: (key: string, state: KeyState) => void }) {
    this.#states = new LRUCache({ max: options.maxKeys });
    this.#committed = options.committed;
  }

  get(key: string): Promise<KeyState> {
    return Promise.resolve(this.getNow(key));
  }

  /** The current state, synchronously. */
  getNow(key: string): KeyState {
    return this.#states.get(key) ?? EMPTY;
  }

  update<R>(key: string, step: (state: KeyState) => Step<R>): Promise<Step<R>> {
    return Promise.resolve(this.updateNow(key, step));
  }

  /** {@link update}, synchronously: in one process there is nobody to race with. */
  updateNow<R>(key: string, step: (state: KeyState) => Step<R>): Step<R> {
    const current = this.getNow(key);
    const done = step(current);
    if (done.state !== current) {
      this.#states.set(key, done.state);
      this.#committed?.(key, done.state);
    }
    return done;
  }
}
