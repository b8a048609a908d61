/** The instrumentation a Twitchify row hands to the Client: events received, loads made, coverage gaps. */
import type { ClientInstrument } from '@twitchify/core';
import { memberChangeSig } from './lists.js';
import type { Recorder } from './recorder.js';

/**
 * `keyOf`: broadcaster id → key index of its channel; `vipKeyOf`: broadcaster id → key index of its VIP list (the
 * lists this process reads). A `channel.update` event is recorded by the title it carries, a `channel.vip.add` /
 * `channel.vip.remove` event by the one user it adds or removes; a coverage gap of a feed is recorded for the key
 * that feed keeps fresh (either VIP feed for the VIP list).
 */
export function instrumentFor(
  recorder: Recorder,
  keyOf: ReadonlyMap<string, number>,
  loads: { count: number },
  clock: { now(): number },
  vipKeyOf: ReadonlyMap<string, number> = new Map(),
): ClientInstrument {
  return {
    onLoad: () => {
      loads.count++;
    },
    onEvent: (key, event) => {
      if (key === 'channel.update@2') {
        const e = event as { broadcasterUserId: string; title: string };
        const k = keyOf.get(e.broadcasterUserId);
        if (k !== undefined) recorder.event(k, clock.now(), e.title);
      } else if (key === 'channel.vip.add@1' || key === 'channel.vip.remove@1') {
        const e = event as { broadcasterUserId: string; userId: string };
        const k = vipKeyOf.get(e.broadcasterUserId);
        const op = key === 'channel.vip.add@1' ? 'add' : 'remove';
        if (k !== undefined) recorder.event(k, clock.now(), memberChangeSig(op, e.userId));
      }
    },
    onCoverage: (e) => {
      const type = e.spec.type;
      const map =
        type === 'channel.update'
          ? keyOf
          : type === 'channel.vip.add' || type === 'channel.vip.remove'
            ? vipKeyOf
            : undefined;
      if (!map) return;
      const k = map.get(String(e.spec.condition.broadcaster_user_id));
      if (k === undefined) return;
      if (e.type === 'covered' && e.closedGap) recorder.gap(k, e.closedGap.start, e.closedGap.end);
      else if (e.type === 'gap') recorder.gap(k, e.gap.start, e.gap.end);
    },
  };
}
