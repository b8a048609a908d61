/**
 * A small typed event emitter whose handlers can never hurt the emitter: a handler that throws or rejects is
 * reported through `onHandlerError` and the next handler still runs. Listeners registering or leaving are
 * announced (`onFirstListener` / `onLastListenerGone`) because in the Client, registering a handler is what
 * subscribes to an EventSub type.
 */

/**
 * The handle of one handler: call it, or call its `stop()`, to remove the handler (for an EventSub type, the last
 * handler removed ends the subscription). Calling it again does nothing.
 */
export type Unsubscribe = (() => void) & {
  /** Removes the handler (the same as calling the handle). */
  stop(): void;
};

/** Hooks of a {@link SafeEmitter}. */
export interface SafeEmitterHooks {
  onHandlerError(event: string, error: unknown): void;
  onFirstListener?(event: string): void;
  onLastListenerGone?(event: string): void;
}

// biome-ignore lint/suspicious/noExplicitAny: handler arguments are typed by the event map at the public surface
type AnyHandler = (...args: any[]) => unknown;

export class SafeEmitter<Events extends { [K in keyof Events]: AnyHandler }> {
  readonly #handlers = new Map<keyof Events, Set<AnyHandler>>();
  readonly #hooks: SafeEmitterHooks;

  constructor(hooks: SafeEmitterHooks) {
    this.#hooks = hooks;
  }

  /** Adds a handler; returns the function that removes it. */
  on<K extends keyof Events>(event: K, handler: Events[K]): Unsubscribe {
    let set = this.#handlers.get(event);
    if (!set) {
      set = new Set();
      this.#handlers.set(event, set);
    }
    const first = set.size === 0;
    set.add(handler);
    if (first) this.#hooks.onFirstListener?.(String(event));
    const off = () => this.off(event, handler);
    return Object.assign(off, { stop: off });
  }

  /** Removes a handler added with {@link on}. */
  off<K extends keyof Events>(event: K, handler: Events[K]): void {
    const set = this.#handlers.get(event);
    if (!set?.delete(handler)) return;
    if (set.size === 0) {
      this.#handlers.delete(event);
      this.#hooks.onLastListenerGone?.(String(event));
    }
  }

  /** Whether anybody listens to `event`. */
  has(event: keyof Events): boolean {
    return (this.#handlers.get(event)?.size ?? 0) > 0;
  }

  /** The events somebody listens to. */
  events(): (keyof Events)[] {
    return [...this.#handlers.keys()];
  }

  /** Calls every handler of `event`; errors (thrown or rejected) go to `onHandlerError`, never to the caller. */
  emit<K extends keyof Events>(event: K, ...args: Parameters<Events[K]>): void {
    const set = this.#handlers.get(event);
    if (!set) return;
    for (const handler of [...set]) {
      try {
        const result = handler(...args);
        if (result && typeof (result as Promise<unknown>).then === 'function') {
          (result as Promise<unknown>).then(undefined, (error) => this.#hooks.onHandlerError(String(event), error));
        }
      } catch (error) {
        this.#hooks.onHandlerError(String(event), error);
      }
    }
  }

  clear(): void {
    this.#handlers.clear();
  }
}
