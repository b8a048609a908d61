/**
 * OpenTelemetry traces and metrics of the Client, through `@opentelemetry/api` (an optional peer dependency: when it
 * is not installed, or `telemetry: false`, nothing here runs and nothing is loaded). Spans: one per Helix call
 * (`helix GET /users`) with its status and the time it waited for the rate limit and a connection. Metrics: Helix
 * calls and their durations, the cache's hits, misses and refused fills (read from its counters at collection), the
 * receive lag of events, and coverage gaps of the EventSub feeds.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import type { Attributes, Meter, MeterProvider, Span, Tracer, TracerProvider } from '@opentelemetry/api';
import type { CacheStats } from '@twitchify/cache';
import { type CoverageEvent, type NotificationMeta, timestampMs } from '@twitchify/eventsub';
import type { Clock } from '../http/environment.js';
import type { Middleware } from '../http/types.js';
import type { ClientInstrument } from './options.js';

/**
 * What the Client calls on an OpenTelemetry `TracerProvider`. Written structurally so that no declaration file of
 * `@twitchify/core` names `@opentelemetry/api` (an optional peer: a project without it must still type-check); any
 * provider of the API (the SDK's `BasicTracerProvider`, `NodeTracerProvider`, ...) fits it as it is.
 */
export interface TracerProviderLike {
  /** A tracer for the instrumentation library `name`. */
  getTracer(name: string, version?: string): object;
}

/** What the Client calls on an OpenTelemetry `MeterProvider` (structural, as {@link TracerProviderLike}). */
export interface MeterProviderLike {
  /** A meter for the instrumentation library `name`. */
  getMeter(name: string, version?: string): object;
}

/** Where the Client's spans and metrics go. Default: the global providers of `@opentelemetry/api`, if installed. */
export interface TelemetryOptions {
  /** An OpenTelemetry `TracerProvider`. Default: the global one. */
  tracerProvider?: TracerProviderLike | undefined;
  /** An OpenTelemetry `MeterProvider`. Default: the global one. */
  meterProvider?: MeterProviderLike | undefined;
}

type OtelApi = typeof import('@opentelemetry/api');

const NAME = '@twitchify/core';

function loadApi(): OtelApi | undefined {
  try {
    return createRequire(import.meta.url)('@opentelemetry/api') as OtelApi;
  } catch {
    return undefined;
  }
}

/** Per Helix call: the time spent on the wire (every attempt), to tell waiting from answering. */
interface CallTiming {
  wireMs: number;
}

/** The Client's instruments; built once per Client, only when `@opentelemetry/api` is there. */
export class Telemetry {
  readonly #api: OtelApi;
  readonly #tracer: Tracer;
  readonly #meter: Meter;
  readonly #clock: Clock;
  readonly #calls = new AsyncLocalStorage<CallTiming>();
  readonly #helixCalls;
  readonly #helixDuration;
  readonly #helixWait;
  readonly #eventLag;
  readonly #gaps;
  #stats: (() => CacheStats | undefined) | undefined;

  /** `undefined` when telemetry is off or `@opentelemetry/api` is not installed. */
  static create(options: TelemetryOptions | false | undefined, clock: Clock): Telemetry | undefined {
    if (options === false) return undefined;
    const api = loadApi();
    return api ? new Telemetry(api, options ?? {}, clock) : undefined;
  }

  private constructor(api: OtelApi, options: TelemetryOptions, clock: Clock) {
    this.#api = api;
    this.#clock = clock;
    // The options' providers are typed structurally; they are the API's providers (the only thing that makes one).
    const tracers = (options.tracerProvider as TracerProvider | undefined) ?? api.trace.getTracerProvider();
    const meters = (options.meterProvider as MeterProvider | undefined) ?? api.metrics.getMeterProvider();
    this.#tracer = tracers.getTracer(NAME);
    this.#meter = meters.getMeter(NAME);
    const m = this.#meter;
    this.#helixCalls = m.createCounter('twitchify.helix.calls', { description: 'Helix calls, by status' });
    this.#helixDuration = m.createHistogram('twitchify.helix.duration', { unit: 'ms' });
    this.#helixWait = m.createHistogram('twitchify.helix.wait', {
      unit: 'ms',
      description: 'time a Helix call waited for the rate limit and a connection',
    });
    this.#eventLag = m.createHistogram('twitchify.eventsub.receive_lag', {
      unit: 'ms',
      description: "from Twitch's message timestamp to the Client receiving the event",
    });
    this.#gaps = m.createCounter('twitchify.eventsub.coverage_gaps', {
      description: 'times a feed stopped covering its events (socket drop, lost shard, revocation)',
    });
    const cache = m.createObservableCounter('twitchify.cache.reads', { description: 'cached reads, by outcome' });
    m.addBatchObservableCallback(
      (observer) => {
        const s = this.#stats?.();
        if (!s) return;
        for (const [tier, t] of [['memory', s.memory] as const, ['redis', s.redis] as const]) {
          if (!t) continue;
          observer.observe(cache, t.hits, { outcome: 'hit', tier });
          observer.observe(cache, t.misses, { outcome: 'miss', tier });
          observer.observe(cache, t.staleFillsRefused, { outcome: 'refused_fill', tier });
        }
      },
      [cache],
    );
  }

  /** Where the cache's counters are read from (the running Client's cache). */
  readStats(stats: (() => CacheStats | undefined) | undefined): void {
    this.#stats = stats;
  }

  /** Outermost Helix middleware: one span and the call metrics per call. */
  readonly outer: Middleware = (next) => (request) => {
    const attributes: Attributes = { 'http.request.method': request.method, 'url.path': request.path };
    return this.#tracer.startActiveSpan(`helix ${request.method} ${request.path}`, { attributes }, async (span) => {
      const timing: CallTiming = { wireMs: 0 };
      const started = this.#clock.now();
      try {
        const response = await this.#calls.run(timing, () => next(request));
        this.#end(span, attributes, started, timing, response.status);
        return response;
      } catch (error) {
        span.recordException(error as Error);
        this.#end(span, { ...attributes, 'error.type': (error as Error)?.name ?? 'Error' }, started, timing, undefined);
        throw error;
      }
    });
  };

  /** Innermost Helix middleware: the time on the wire. */
  readonly inner: Middleware = (next) => async (request) => {
    const timing = this.#calls.getStore();
    if (!timing) return next(request);
    const started = this.#clock.now();
    try {
      return await next(request);
    } finally {
      timing.wireMs += this.#clock.now() - started;
    }
  };

  #end(span: Span, attributes: Attributes, started: number, timing: CallTiming, status: number | undefined): void {
    const total = this.#clock.now() - started;
    const waited = Math.max(0, total - timing.wireMs);
    const attrs = status === undefined ? attributes : { ...attributes, 'http.response.status_code': status };
    span.setAttributes({ ...attrs, 'twitchify.helix.wait_ms': waited });
    if (status === undefined || status >= 400) span.setStatus({ code: this.#api.SpanStatusCode.ERROR });
    span.end();
    this.#helixCalls.add(1, attrs);
    this.#helixDuration.record(total, attrs);
    this.#helixWait.record(waited, attributes);
  }

  /** The Client's instrument hooks with telemetry's laid over the app's own. */
  instrument(app: ClientInstrument | undefined): ClientInstrument {
    return {
      ...app,
      onEvent: (key, event, meta: NotificationMeta) => {
        const at = timestampMs(meta.messageTimestamp);
        if (at) this.#eventLag.record(Math.max(0, this.#clock.now() - at), { type: key.slice(0, key.indexOf('@')) });
        app?.onEvent?.(key, event, meta);
      },
      onCoverage: (e: CoverageEvent) => {
        if (e.type !== 'covered') this.#gaps.add(1, { reason: e.type });
        app?.onCoverage?.(e);
      },
    };
  }
}
