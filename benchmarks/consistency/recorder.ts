/**
 * The recorder each process of a row writes into while the workload runs. It stores, per read, a *signature id*
 * (the interned signature of the state it saw, see catalog.ts) in place of the version: versions are only known to the emulator, so they are
 * resolved once the row ends, from `mock.history(key)` (see {@link resolveVersions}).
 */
import { type CoverageGap, type ReadLevel, ReadLog, type Witness } from './history.js';

/** A clock shared by every process of a run: CLOCK_MONOTONIC (the same on all processes of one machine), in ms. */
export function sharedClock(epochOffsetMs: number): { now(): number } {
  return { now: () => epochOffsetMs + Number(process.hrtime.bigint()) / 1e6 };
}

/**
 * The offset that makes {@link sharedClock} read like `clock` (default: like `Date.now()`); compute it in the parent
 * from the clock the emulator and the checker use, and pass it to the children: `Date.now()` has whole milliseconds,
 * so two offsets computed from it at different times differ by up to a millisecond, and children on another offset
 * than the emulator's would stamp an acknowledgement before its commit, or a cached read before the Helix read that
 * filled it.
 */
export function epochOffset(clock: { now(): number } = Date): number {
  return clock.now() - Number(process.hrtime.bigint()) / 1e6;
}

/** Serializable form of a recorder, sent from a child process to the parent. */
export interface RecordedProcess {
  reads: ReturnType<ReadLog['toColumns']>;
  acks: Witness[];
  events: Witness[];
  /** signature id → signature (`key|signature`), per key. */
  signatures: string[];
  gaps: CoverageGap[];
}

/** Records one process's reads, acknowledged writes and received events. */
export class Recorder {
  readonly reads = new ReadLog();
  readonly acks: Witness[] = [];
  readonly events: Witness[] = [];
  readonly gaps: CoverageGap[] = [];
  readonly #ids = new Map<string, number>();
  readonly #sigs: string[] = [];
  readonly #proc: number;

  constructor(proc: number) {
    this.#proc = proc;
  }

  /** Interns `key|signature` into a small integer. */
  sig(key: number, sig: string): number {
    const s = `${key}|${sig}`;
    let id = this.#ids.get(s);
    if (id === undefined) {
      id = this.#sigs.length;
      this.#sigs.push(s);
      this.#ids.set(s, id);
    }
    return id;
  }

  read(key: number, start: number, end: number, sig: string, level: ReadLevel, fromCache: boolean): void {
    this.reads.add(this.#proc, key, start, end, this.sig(key, sig), level, fromCache);
  }

  ack(key: number, at: number, sig: string): void {
    this.acks.push({ proc: this.#proc, key, at, version: this.sig(key, sig) });
  }

  event(key: number, at: number, sig: string): void {
    this.events.push({ proc: this.#proc, key, at, version: this.sig(key, sig) });
  }

  /** A coverage gap of the feed that keeps `key` fresh, closed at `end`. */
  gap(key: number, start: number, end: number): void {
    this.gaps.push({ proc: this.#proc, key, start, end });
  }

  toJSON(): RecordedProcess {
    return {
      reads: this.reads.toColumns(),
      acks: this.acks,
      events: this.events,
      signatures: this.#sigs,
      gaps: this.gaps,
    };
  }
}

/**
 * Turns signature ids into versions, given `resolve(signature, at)` built from the emulator's history: version -1
 * when the signature names no version; `ambiguous` when it names several, of which `at` (a read's end, a witness's
 * time) picks one. Works on copies of the read log and witnesses.
 */
export function resolveVersions(
  rec: RecordedProcess,
  resolve: (signature: string, at: number) => { version: number; ambiguous?: boolean },
) {
  const once = rec.signatures.map((sig) => resolve(sig, Number.POSITIVE_INFINITY));
  const reads = ReadLog.fromColumns(rec.reads);
  for (let i = 0; i < reads.size; i++) {
    const id = reads.version[i]!;
    const r = once[id];
    reads.version[i] =
      r === undefined ? -1 : r.ambiguous ? resolve(rec.signatures[id]!, reads.end[i]!).version : r.version;
  }
  const fix = (w: Witness) => {
    const r = once[w.version];
    const version = r === undefined ? -1 : r.ambiguous ? resolve(rec.signatures[w.version]!, w.at).version : r.version;
    return { ...w, version };
  };
  return { reads, acks: rec.acks.map(fix), events: rec.events.map(fix) };
}
