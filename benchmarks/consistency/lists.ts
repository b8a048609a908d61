/**
 * The VIP part of the workload: a broadcaster's VIP list (`vips:<broadcasterId>`), changed by SDK writes
 * (`addVip`/`removeVip`) and by external changes whose events (`channel.vip.add`/`channel.vip.remove`) carry only a
 * delta, which the SDK applies as a patch on its cached list.
 *
 * For the checker every state must name exactly one version. The lists are changed as a sliding window: every add
 * uses a user never added before in the run (SDK writes and external changes alike, whichever broadcaster), and a
 * removal only removes the oldest VIP, never one of the two newest: a state (a set of users) can then never come back
 * (a set repeats only if the last change before it removed the newest user present). So a read names its version by
 * the set it saw, and an acknowledged write or a received event names it by the one user it added or removed.
 */
import type { MockServer } from '@twitchify/mock';
import { Rng } from './workload.js';

/** One VIP change: the user to add, or the (oldest) VIP to remove. */
export interface MemberChange {
  op: 'add' | 'remove';
  userId: string;
}

/** Signature of a VIP list as a read saw it: its user ids, sorted. */
export function listReadSig(userIds: readonly string[]): string {
  return `S:${[...userIds].sort().join(',')}`;
}

/** Signature of an acknowledged VIP write or a received VIP event: the one user it added or removed. */
export function memberChangeSig(op: 'add' | 'remove', userId: string): string {
  return `${op === 'add' ? '+' : '-'}${userId}`;
}

/** Fewest VIPs a list keeps (not counting removals in flight), so that a removal never takes the newest. */
export const VIP_MIN = 3;
/** At this many VIPs (in the emulator's truth, removals in flight not counted) the next change is a removal. */
export const VIP_MAX = 5;

/**
 * Decides every VIP change of a row (SDK writes and external changes), from the emulator's truth, so that they keep
 * the sliding window whoever makes them. Lives next to the emulator (the parent process of the multi-process row;
 * children ask it over IPC). A removal the SDK has in flight is excluded from the candidates until it is done.
 */
export class ListPlanner {
  readonly #mock: MockServer;
  readonly #pool: string[];
  readonly #rng: Rng;
  readonly #pending = new Map<string, Set<string>>();
  #next = 0;
  #added = 0;

  /** `pool`: users no list has had, used in order; when it runs out, users are added to the emulator. */
  constructor(mock: MockServer, pool: readonly string[], seed: number) {
    this.#mock = mock;
    this.#pool = [...pool];
    this.#rng = new Rng((seed ^ 0x2545f491) >>> 0);
  }

  /** The next change of `broadcasterId`'s list (made by the caller, which then calls {@link done} for a removal). */
  next(broadcasterId: string): MemberChange {
    const pending = this.#pendingOf(broadcasterId);
    const truth = (this.#mock.truth(`vips:${broadcasterId}`)?.state ?? []) as { user_id: string }[];
    const available = truth.map((u) => u.user_id).filter((id) => !pending.has(id));
    const remove = available.length >= VIP_MAX || (available.length >= VIP_MIN && this.#rng.next() < 0.5);
    if (remove) {
      // The emulator appends a new VIP: the truth's list is in order of addition, its head the oldest.
      const userId = available[0]!;
      pending.add(userId);
      return { op: 'remove', userId };
    }
    return { op: 'add', userId: this.#fresh() };
  }

  /** A removal handed out by {@link next} has been made (or has failed). */
  done(broadcasterId: string, userId: string): void {
    this.#pendingOf(broadcasterId).delete(userId);
  }

  /** Makes one change of `broadcasterId`'s list "on twitch.tv" (its event goes out with the emulator's faults). */
  external(broadcasterId: string): void {
    const c = this.next(broadcasterId);
    try {
      if (c.op === 'add') this.#mock.external.addVip(broadcasterId, c.userId);
      else this.#mock.external.removeVip(broadcasterId, c.userId);
    } finally {
      this.done(broadcasterId, c.userId);
    }
  }

  /** Users added so far (for the notes). */
  get added(): number {
    return this.#added;
  }

  #fresh(): string {
    this.#added++;
    const id = this.#pool[this.#next++];
    if (id !== undefined) return id;
    return this.#mock.addUser(`vipfresh${this.#next}`).id;
  }

  #pendingOf(b: string): Set<string> {
    let s = this.#pending.get(b);
    if (!s) {
      s = new Set();
      this.#pending.set(b, s);
    }
    return s;
  }
}

/** One committed version of a VIP list, as the emulator's history gives it. */
export interface ListTruthEntry {
  version: number;
  userIds: readonly string[];
}

/** A signature resolved to a version; `phantom` when the list read equals no committed state. */
export interface ListResolved {
  version: number;
  phantom: boolean;
}

/**
 * Maps VIP signatures of one key to versions, from the key's history (versions ascending):
 * - a read's list (`S:<sorted ids>`) to the version whose state it is; a list equal to no committed state (a
 *   *phantom*: a delta applied on a stale base) to the newest version `w` such that the list agrees with the state
 *   of `w` on every user that any change up to `w` touched, i.e. the newest version all of whose changes it
 *   reflects (so a phantom that lacks an acknowledged or received change counts as older than it);
 * - an ack or event (`+<id>`, `-<id>`) to the version whose change added (removed) that user.
 */
export class ListVersions {
  readonly #entries: { version: number; ids: Set<string> }[];
  readonly #exact = new Map<string, number>();
  readonly #delta = new Map<string, number>();
  /** States (sets) that more than one version had: the sliding window failed (never expected; reported). */
  readonly duplicates: number = 0;

  constructor(entries: readonly ListTruthEntry[]) {
    this.#entries = entries.map((e) => ({ version: e.version, ids: new Set(e.userIds) }));
    let prev = new Set<string>();
    for (const e of this.#entries) {
      const sig = listReadSig([...e.ids]);
      if (this.#exact.has(sig)) this.duplicates++;
      this.#exact.set(sig, e.version);
      for (const id of e.ids) if (!prev.has(id)) this.#delta.set(memberChangeSig('add', id), e.version);
      for (const id of prev) if (!e.ids.has(id)) this.#delta.set(memberChangeSig('remove', id), e.version);
      prev = e.ids;
    }
  }

  /** Resolves a signature of this key; version -1 when it names nothing the key ever had. */
  resolve(sig: string): ListResolved {
    if (sig.startsWith('+') || sig.startsWith('-')) return { version: this.#delta.get(sig) ?? -1, phantom: false };
    const exact = this.#exact.get(sig);
    if (exact !== undefined) return { version: exact, phantom: false };
    if (!sig.startsWith('S:')) return { version: -1, phantom: false };
    const read = new Set(sig.length > 2 ? sig.slice(2).split(',') : []);
    const disagree = new Set<string>();
    let best = -1;
    let prev = new Set<string>();
    for (const e of this.#entries) {
      const touched = new Set<string>();
      for (const id of e.ids) if (!prev.has(id)) touched.add(id);
      for (const id of prev) if (!e.ids.has(id)) touched.add(id);
      for (const id of touched) {
        if (read.has(id) === e.ids.has(id)) disagree.delete(id);
        else disagree.add(id);
      }
      if (disagree.size === 0) best = e.version;
      prev = e.ids;
    }
    return { version: best, phantom: true };
  }
}
