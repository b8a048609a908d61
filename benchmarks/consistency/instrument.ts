/** The instrumentation a Twitchify row hands to the Client: events received, loads made, coverage gaps. */
import type { ClientInstrument } from '@twitchify/core';
import type { Recorder } from './recorder.js';

export function instrumentFor(
  recorder: Recorder,
  keyOf: ReadonlyMap<string, number>,
  loads: { count: number },
  clock: { now(): number },
): ClientInstrument {
  return {
    onLoad: () => {
      loads.count++;
    },
    onEvent: (key, event) => {
      if (key !== 'channel.update@2') return;
      const e = event as { broadcasterUserId: string; title: string };
      const k = keyOf.get(e.broadcasterUserId);
      if (k !== undefined) recorder.event(k, clock.now(), e.title);
    },
    onCoverage: (e) => {
      if (e.spec.type !== 'channel.update') return;
      const k = keyOf.get(String(e.spec.condition.broadcaster_user_id));
      if (k === undefined) return;
      if (e.type === 'covered' && e.closedGap) recorder.gap(k, e.closedGap.start, e.closedGap.end);
      else if (e.type === 'gap') recorder.gap(k, e.gap.start, e.gap.end);
    },
  };
}
