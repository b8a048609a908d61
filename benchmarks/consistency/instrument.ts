/**
 * What a row records of a system's EventSub side: events received (handed to its cache), coverage gaps, and loads.
 * The Twitchify rows get it as the Client's `instrument`; the BentoCache row calls the same functions from its own
 * listener.
 */
import type { ClientInstrument } from '@twitchify/core';
import type { CoverageEvent } from '@twitchify/eventsub';
import { eventSig, FEED_RESOURCES, feedId, type KeySpace } from './catalog.js';
import type { Recorder } from './recorder.js';

/**
 * Records event `type` (`type@version`) as received now, by the version it carries, if it is of a key of `space`
 * (see `eventSig`); returns the resource key it changes, if any.
 */
export function recordEvent(
  recorder: Recorder,
  space: KeySpace,
  clock: { now(): number },
  type: string,
  event: unknown,
): string | undefined {
  const e = eventSig(type, event as Record<string, unknown>);
  if (!e) return undefined;
  const k = space.indexOf(e.resource, e.id);
  if (k === undefined) return undefined;
  recorder.event(k, clock.now(), e.sig);
  return space.keys[k];
}

/** Records a closed coverage gap of a feed for every key of `space` that the feed keeps fresh. */
export function recordCoverage(recorder: Recorder, space: KeySpace, e: CoverageEvent): void {
  const gap = e.type === 'covered' ? e.closedGap : e.type === 'gap' ? e.gap : null;
  if (!gap) return;
  const id = feedId(e.spec.type, e.spec.condition);
  for (const resource of FEED_RESOURCES[e.spec.type] ?? []) {
    const k = space.indexOf(resource, id);
    if (k !== undefined) recorder.gap(k, gap.start, gap.end);
  }
}

/** The Client's instrumentation for a Twitchify row: events, loads (`loads.count`) and coverage gaps. */
export function instrumentFor(
  recorder: Recorder,
  space: KeySpace,
  loads: { count: number },
  clock: { now(): number },
): ClientInstrument {
  return {
    onLoad: () => {
      loads.count++;
    },
    onEvent: (key, event) => {
      recordEvent(recorder, space, clock, key, event);
    },
    onCoverage: (e) => recordCoverage(recorder, space, e),
  };
}
