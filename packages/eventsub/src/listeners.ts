/** A set of handlers for one kind of event; a throwing handler is logged and never breaks the others. */
import type { Logger, Unsubscribe } from './types.js';

export class Listeners<T> {
  readonly #handlers = new Set<(value: T) => void>();
  readonly #logger: Logger;
  readonly #name: string;

  constructor(name: string, logger: Logger) {
    this.#name = name;
    this.#logger = logger;
  }

  add(handler: (value: T) => void): Unsubscribe {
    this.#handlers.add(handler);
    return () => {
      this.#handlers.delete(handler);
    };
  }

  get size(): number {
    return this.#handlers.size;
  }

  emit(value: T): void {
    for (const h of this.#handlers) {
      try {
        const r = h(value) as unknown;
        // An async handler's rejection must not become an unhandled rejection.
        if (r instanceof Promise) r.catch((error: unknown) => this.#fail(error));
      } catch (error) {
        this.#fail(error);
      }
    }
  }

  clear(): void {
    this.#handlers.clear();
  }

  #fail(error: unknown): void {
    this.#logger.error('eventsub handler threw', { listener: this.#name, error });
  }
}
