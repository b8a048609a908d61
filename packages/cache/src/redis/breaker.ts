import type { BreakerState, Clock } from '../types.js';

/**
 * A circuit breaker in front of Redis: after `failures` consecutive failures it opens and refuses calls at once for
 * `cooldownMs`, so that a dead or slow Redis adds no latency to every read; then one call probes (half-open) and
 * its success closes it again. Nothing is scheduled: the state advances when calls are made.
 */
export class CircuitBreaker {
  #state: BreakerState = 'closed';
  #failures = 0;
  #openedAt = 0;
  #probing = false;
  readonly #limit: number;
  readonly #cooldownMs: number;
  readonly #clock: Clock;
  readonly #onChange: (state: BreakerState) => void;

  constructor(options: { failures: number; cooldownMs: number; clock: Clock; onChange: (s: BreakerState) => void }) {
    this.#limit = options.failures;
    this.#cooldownMs = options.cooldownMs;
    this.#clock = options.clock;
    this.#onChange = options.onChange;
  }

  get state(): BreakerState {
    return this.#state;
  }

  /** Whether a call may go to Redis now; a true answer in half-open state makes that call the probe. */
  admit(): boolean {
    if (this.#state === 'closed') return true;
    if (this.#state === 'open') {
      if (this.#clock.now() - this.#openedAt < this.#cooldownMs) return false;
      this.#set('half-open');
    }
    if (this.#probing) return false;
    this.#probing = true;
    return true;
  }

  /** Reports the outcome of an admitted call. */
  record(ok: boolean): void {
    this.#probing = false;
    if (ok) {
      this.#failures = 0;
      if (this.#state !== 'closed') this.#set('closed');
      return;
    }
    this.#failures++;
    if (this.#state === 'half-open' || this.#failures >= this.#limit) {
      this.#openedAt = this.#clock.now();
      if (this.#state !== 'open') this.#set('open');
    }
  }

  /** Opens at once (the connection is known to be down). */
  trip(): void {
    this.#openedAt = this.#clock.now();
    this.#failures = this.#limit;
    if (this.#state !== 'open') this.#set('open');
  }

  #set(state: BreakerState): void {
    this.#state = state;
    this.#onChange(state);
  }
}
