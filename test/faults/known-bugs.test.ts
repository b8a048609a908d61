/** The signature of the known bug `earlyWritePosition`, on hand-made histories: it names those reads, and no others. */
import { describe, expect, it } from 'vitest';
import { type History, ReadLog } from '../../benchmarks/consistency/history.js';
import { earlyWritePositionReads, onlyEarlyWritePosition } from './known-bugs.js';

/** One key; the outside change v1 was committed at 10, this process's write v2 at 12 and acknowledged at 13. */
function history(reads: Array<[start: number, version: number]>, events: Array<[at: number, version: number]>) {
  const log = new ReadLog();
  for (const [start, version] of reads) log.add(0, 0, start, start + 0.01, version, 'fast', true);
  const h: History = {
    keys: ['channel:1'],
    reads: log,
    acks: [{ proc: 0, key: 0, at: 13, version: 2 }],
    events: events.map(([at, version]) => ({ proc: 0, key: 0, at, version })),
    truth: [
      [
        { version: 0, committedAt: 0 },
        { version: 1, committedAt: 10 },
        { version: 2, committedAt: 12 },
      ],
    ],
    restarts: [],
    gaps: [],
    sourceReads: [],
    sharedTier: false,
    deltaMs: 0,
  };
  return h;
}

describe('earlyWritePosition', () => {
  it("names the reads of the older change between its late event and the write's own", () => {
    // v1's event after the write's answer, v2's own event at 20: the reads of v1 at 15 and 16 carry the signature
    expect(
      earlyWritePositionReads(
        history(
          [
            [14, 2],
            [15, 1],
            [16, 1],
            [21, 2],
          ],
          [
            [14.5, 1],
            [20, 2],
          ],
        ),
      ),
    ).toBe(2);
  });

  it('counts a read that waited for the change in flight and ended just before its receipt was recorded', () => {
    expect(
      earlyWritePositionReads(
        history(
          [[15, 1]],
          [
            [15.5, 1],
            [20, 2],
          ],
        ),
      ),
    ).toBe(1);
  });

  it("names no read of the older change once the write's own event was received, or without a late event", () => {
    expect(
      earlyWritePositionReads(
        history(
          [[21, 1]],
          [
            [14.5, 1],
            [20, 2],
          ],
        ),
      ),
    ).toBe(0);
    // v1's event came before the answer: an older read is another bug
    expect(
      earlyWritePositionReads(
        history(
          [[15, 1]],
          [
            [11, 1],
            [20, 2],
          ],
        ),
      ),
    ).toBe(0);
    // v0 (no event after the answer) read after the write
    expect(
      earlyWritePositionReads(
        history(
          [[15, 0]],
          [
            [14.5, 1],
            [20, 2],
          ],
        ),
      ),
    ).toBe(0);
  });

  it('passes a row only when every violation is one of those reads', () => {
    const v = { readYourWrites: 2, eventStaleness: 0, monotonicReads: 2, staleFills: 2, restartSafety: 0 };
    expect(onlyEarlyWritePosition(v, 2)).toBe(true);
    expect(onlyEarlyWritePosition({ ...v, readYourWrites: 3 }, 2)).toBe(false);
    expect(onlyEarlyWritePosition({ ...v, eventStaleness: 1 }, 2)).toBe(false);
    expect(onlyEarlyWritePosition({ ...v, monotonicReads: 3 }, 2)).toBe(false);
    expect(onlyEarlyWritePosition(v, 0)).toBe(false);
  });
});
