import type { Clock } from '../clock.js';
import { MockOptionsError } from '../errors.js';

/** A fault to inject into matching HTTP responses. */
export interface FaultSpec {
  /** Exact path (with or without the `/helix` prefix), path prefix ending in `/`, or a RegExp on the full path. */
  path?: string | RegExp;
  method?: string;
  /** Answer this status (with Twitch's error body) instead of serving the request (but see `afterServing`). */
  status?: number;
  /**
   * With `status`: serve the request first (a write commits and its event goes out), then answer `status` in place
   * of Twitch's answer, as a gateway that gave up after Twitch had acted.
   */
  afterServing?: boolean;
  /** Wait this long before serving the request (a write commits after the wait). */
  latencyMs?: number;
  /** Serve the request at once but hold its answer this long (a write commits, its caller hears of it late). */
  answerDelayMs?: number;
  /** Send a broken body: invalid JSON, a body cut short, or an HTML error page. */
  malformed?: 'json' | 'truncated' | 'html';
  /** Apply to this many matching requests, then disappear. */
  times?: number;
  /** Apply for this long from now, then disappear. */
  forMs?: number;
  /** Serve the request but send no `Ratelimit-*` headers. */
  omitRateLimitHeaders?: boolean;
}

interface ActiveFault extends FaultSpec {
  id: number;
  remaining: number;
  until: number;
}

/** The faults in force; each request takes the first that matches. */
export class FaultRegistry {
  readonly #faults: ActiveFault[] = [];
  readonly #clock: Clock;
  #nextId = 1;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Adds a fault; returns the function that removes it. */
  inject(spec: FaultSpec): () => void {
    if (spec.status !== undefined && !(Number.isInteger(spec.status) && spec.status >= 100 && spec.status <= 599)) {
      throw new MockOptionsError(`fault status must be an HTTP status, got ${spec.status}`);
    }
    if (spec.latencyMs !== undefined && !(spec.latencyMs >= 0)) throw new MockOptionsError('latencyMs must be >= 0');
    if (spec.answerDelayMs !== undefined && !(spec.answerDelayMs >= 0)) {
      throw new MockOptionsError('answerDelayMs must be >= 0');
    }
    const id = this.#nextId++;
    this.#faults.push({
      ...spec,
      id,
      remaining: spec.times ?? Number.POSITIVE_INFINITY,
      until: spec.forMs === undefined ? Number.POSITIVE_INFINITY : this.#clock.now() + spec.forMs,
    });
    return () => this.#remove(id);
  }

  clear(): void {
    this.#faults.length = 0;
  }

  list(): FaultSpec[] {
    return this.#faults.map(({ id: _id, remaining: _r, until: _u, ...spec }) => spec);
  }

  #remove(id: number): void {
    const i = this.#faults.findIndex((f) => f.id === id);
    if (i >= 0) this.#faults.splice(i, 1);
  }

  /** The fault for this request, counting it against `times`; undefined when none applies. */
  take(method: string, fullPath: string, subPath: string): FaultSpec | undefined {
    const now = this.#clock.now();
    for (const fault of [...this.#faults]) {
      if (fault.until <= now || fault.remaining <= 0) {
        this.#remove(fault.id);
        continue;
      }
      if (fault.method && fault.method.toUpperCase() !== method) continue;
      if (fault.path !== undefined && !matches(fault.path, fullPath, subPath)) continue;
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.#remove(fault.id);
      return fault;
    }
    return undefined;
  }
}

function matches(path: string | RegExp, full: string, sub: string): boolean {
  if (path instanceof RegExp) return path.test(full);
  if (path.endsWith('/')) return full.startsWith(path) || sub.startsWith(path);
  return full === path || sub === path;
}
