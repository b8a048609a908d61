/**
 * The open bugs the fault matrix finds, and how their violations are recognised. Until a bug is fixed, a row's
 * violations that all carry its signature are reported but pass, unless TWITCHIFY_FAULTS_KNOWN=1 (then everything is
 * asserted); any other violation fails the row.
 */
import type { Violations } from '../../benchmarks/consistency/checker.js';
import type { History, Witness } from '../../benchmarks/consistency/history.js';

/**
 * Bugs a whole row is gated on (its violations asserted only with TWITCHIFY_FAULTS_KNOWN=1), when their violations
 * have no signature to recognise them by:
 * - `helixFallback`: while Redis cannot be asked (frozen, half-open), every read falls back to Helix with this
 *   process's own changes laid over (its journal), and Helix's lagging answer can be older than what an earlier read
 *   got from Redis, recorded there by another process (a monotonic-read violation).
 */
export type KnownBug = 'helixFallback';

/** How long after a read ends the receipt of the event it returned may be recorded (see below). */
export const RECEIPT_SLACK_MS = 5;

/**
 * **A write placed before a change committed just before it was sent.** A write is positioned on Twitch's clock as
 * the events' stamps bound it, which runs early by the smallest delivery delay seen (5 ms and more in the matrix):
 * its whole window, from sending to the answer, can fall before the commit of a change made a few ms before it was
 * sent (an outside change, or this process's previous write). That change's event, arriving after the write was
 * acknowledged, is then ordered after the write and applied over it: reads return the older state until the write's
 * own event arrives (the checker counts each as read-your-writes, monotonic and stale fill). Any row with outside
 * changes and writes can meet it.
 *
 * Its signature, per read: this process acknowledged a newer version of the key before the read began, received the
 * event of the version the read returned after that acknowledgement (at the latest {@link RECEIPT_SLACK_MS} after the
 * read ended: the receipt is recorded once the cache's apply resolved, and a read that waited for the change in
 * flight ends first), and had not yet received an event of the acknowledged version or newer when the read began.
 * Returns how many reads carry it.
 */
export function earlyWritePositionReads(history: History): number {
  const byProcKey = (items: readonly Witness[]) => {
    const out = new Map<string, Witness[]>();
    for (const w of items) {
      const k = `${w.proc}:${w.key}`;
      const list = out.get(k) ?? [];
      if (list.length === 0) out.set(k, list);
      list.push(w);
    }
    for (const list of out.values()) list.sort((a, b) => a.at - b.at);
    return out;
  };
  const acks = byProcKey(history.acks);
  const events = byProcKey(history.events);
  const r = history.reads;
  let count = 0;
  for (let i = 0; i < r.size; i++) {
    const version = r.version[i]!;
    if (version < 0) continue;
    const start = r.start[i]!;
    const k = `${r.proc[i]}:${r.key[i]}`;
    // the newest version this process had acknowledged before the read, and when
    let acked: Witness | undefined;
    for (const a of acks.get(k) ?? []) {
      if (a.at >= start) break;
      if (acked === undefined || a.version > acked.version) acked = a;
    }
    if (acked === undefined || acked.version <= version) continue;
    const end = r.end[i]!;
    const all = events.get(k) ?? [];
    const lateOldEvent = all.some((e) => e.version === version && e.at > acked.at && e.at <= end + RECEIPT_SLACK_MS);
    const ownEventIn = all.some((e) => e.version >= acked.version && e.at <= start);
    if (lateOldEvent && !ownEventIn) count++;
  }
  return count;
}

/** Whether every violation the checker counted is one of `earlyWritePosition` reads (and there is one at least). */
export function onlyEarlyWritePosition(violations: Violations, signed: number): boolean {
  const { readYourWrites, monotonicReads, staleFills, eventStaleness, restartSafety } = violations;
  return (
    signed > 0 &&
    readYourWrites === signed &&
    monotonicReads <= signed &&
    staleFills <= signed &&
    eventStaleness === 0 &&
    restartSafety === 0
  );
}
