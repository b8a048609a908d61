/**
 * The lists of the workload: a broadcaster's VIPs (`vips:<id>`), moderators (`moderators:<id>`) and bans
 * (`bans:<id>`), changed by SDK writes (add/remove, ban/unban) and by external changes whose events
 * (`channel.vip.add`, `channel.moderator.remove`, `channel.ban`, ...) carry only the one user changed, which the SDK
 * applies to its cached list. A ban is permanent or, for half of them, a timeout of a few seconds that runs out by
 * itself: the list changes then with no event at all.
 *
 * For the checker every state must name one version. The lists are changed as a sliding window: every add uses a
 * user never added before in the run (to any list), and a removal only removes the oldest member (for bans: the
 * oldest permanent ban), never one of the two newest: a state (a set of users) can then not come back, except a ban
 * list whose newest timeouts ran out, which the resolution by time handles (`ListVersions.resolve`). So a read names
 * its version by the set it saw, and an acknowledged write or a received event by the one user it added or removed.
 */
import type { MockServer } from '@twitchify/mock';
import { Rng } from './workload.js';

/** One change of a list: the user to add (with a timeout in seconds for some bans), or the (oldest) one to remove. */
export interface MemberChange {
  op: 'add' | 'remove';
  userId: string;
  timeoutS?: number;
}

/** Signature of a list as a read saw it: its user ids, sorted. */
export function listReadSig(userIds: readonly string[]): string {
  return `S:${[...userIds].sort().join(',')}`;
}

/** Signature of an acknowledged list write or a received list event: the one user it added or removed. */
export function memberChangeSig(op: 'add' | 'remove', userId: string): string {
  return `${op === 'add' ? '+' : '-'}${userId}`;
}

/** Fewest members a list keeps (not counting removals in flight), so that a removal never takes the newest. */
export const LIST_MIN = 3;
/** At this many members (in the emulator's truth, removals in flight not counted) the next change is a removal. */
export const LIST_MAX = 5;
/** A timeout's length (s); Helix takes whole seconds. */
export const TIMEOUT_S = 3;

/**
 * Decides every list change of a row (SDK writes and external changes), from the emulator's truth, so that they keep
 * the sliding window whoever makes them. Lives next to the emulator (the parent process of the multi-process row;
 * children ask it over IPC). A removal the SDK has in flight is excluded from the candidates until it is done.
 * Keys are resource keys (`bans:<broadcasterId>`).
 */
export class ListPlanner {
  readonly #mock: MockServer;
  readonly #pool: string[];
  readonly #rng: Rng;
  readonly #pending = new Map<string, Set<string>>();
  /** Per key, every user handed out as an add, in order (the truth's order differs per list: bans are newest first). */
  readonly #order = new Map<string, string[]>();
  readonly #timed = new Set<string>();
  #next = 0;
  #added = 0;

  /** `pool`: users no list has had, used in order; when it runs out, users are added to the emulator. */
  constructor(mock: MockServer, pool: readonly string[], seed: number) {
    this.#mock = mock;
    this.#pool = [...pool];
    this.#rng = new Rng((seed ^ 0x2545f491) >>> 0);
  }

  /** The next change of list `key` (made by the caller, which then calls {@link done}). */
  next(key: string): MemberChange {
    const pending = of(this.#pending, key, () => new Set<string>());
    const order = of(this.#order, key, () => []);
    const present = new Set(((this.#mock.truth(key)?.state ?? []) as { user_id: string }[]).map((u) => u.user_id));
    // members the truth has, that no removal in flight takes, oldest first; timeouts end by themselves
    const removable = order.filter((id) => present.has(id) && !pending.has(id) && !this.#timed.has(id));
    const remove = removable.length >= LIST_MAX || (removable.length >= LIST_MIN && this.#rng.next() < 0.5);
    if (remove) {
      const userId = removable[0]!;
      pending.add(userId);
      return { op: 'remove', userId };
    }
    const userId = this.#fresh();
    order.push(userId);
    if (key.startsWith('bans:') && this.#rng.next() < 0.5) {
      this.#timed.add(userId);
      return { op: 'add', userId, timeoutS: TIMEOUT_S };
    }
    return { op: 'add', userId };
  }

  /** A change handed out by {@link next} has been made (or has failed). */
  done(key: string, userId: string): void {
    this.#pending.get(key)?.delete(userId);
  }

  /** Makes one change of list `key` "on twitch.tv" (its event goes out with the emulator's faults). */
  external(key: string): void {
    const c = this.next(key);
    const colon = key.indexOf(':');
    const kind = key.slice(0, colon);
    const b = key.slice(colon + 1);
    const x = this.#mock.external;
    try {
      if (kind === 'vips') c.op === 'add' ? x.addVip(b, c.userId) : x.removeVip(b, c.userId);
      else if (kind === 'moderators') c.op === 'add' ? x.addModerator(b, c.userId) : x.removeModerator(b, c.userId);
      else if (c.op === 'remove') x.unban(b, c.userId);
      else {
        const expiresAt = c.timeoutS ? new Date(Date.now() + c.timeoutS * 1000) : undefined;
        x.ban(b, c.userId, expiresAt ? { expiresAt } : {});
      }
    } finally {
      this.done(key, c.userId);
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
    return this.#mock.addUser(`listfresh${this.#next}`).id;
  }
}

function of<K, V>(m: Map<K, V>, k: K, make: () => V): V {
  let v = m.get(k);
  if (v === undefined) {
    v = make();
    m.set(k, v);
  }
  return v;
}

/** One committed version of a list, as the emulator's history gives it. */
export interface ListTruthEntry {
  version: number;
  userIds: readonly string[];
  /** When it was committed (default 0: resolution by time then picks the newest version of a repeated state). */
  committedAt?: number;
}

/**
 * A signature resolved to a version; `phantom` when the list read equals no committed state; `ambiguous` when several
 * versions had the state (resolved by time: the newest committed before `at`).
 */
export interface ListResolved {
  version: number;
  phantom: boolean;
  ambiguous?: boolean;
}

/** Of versions with one state (ascending), the newest committed before `at`, else the first. */
export function newestBefore(list: readonly { version: number; committedAt: number }[], at: number): number {
  let best = list[0]!.version;
  for (const x of list) if (x.committedAt <= at) best = x.version;
  return best;
}

/**
 * Maps list signatures of one key to versions, from the key's history (versions ascending):
 * - a read's list (`S:<sorted ids>`) to the version whose state it is; a list equal to no committed state (a
 *   *phantom*: a delta applied on a stale base) to the newest version `w` such that the list agrees with the state
 *   of `w` on every user that any change up to `w` touched, i.e. the newest version all of whose changes it
 *   reflects (so a phantom that lacks an acknowledged or received change counts as older than it);
 * - an ack or event (`+<id>`, `-<id>`) to the version whose change added (removed) that user.
 */
export class ListVersions {
  readonly #entries: { version: number; ids: Set<string> }[];
  readonly #exact = new Map<string, { version: number; committedAt: number }[]>();
  readonly #delta = new Map<string, number>();
  /**
   * States (sets) that more than one version had: expected only where timeouts run out (bans); elsewhere the
   * sliding window failed (reported). Reads of them are resolved by time.
   */
  duplicates = 0;

  constructor(entries: readonly ListTruthEntry[]) {
    this.#entries = entries.map((e) => ({ version: e.version, ids: new Set(e.userIds) }));
    let prev = new Set<string>();
    entries.forEach((entry, i) => {
      const e = this.#entries[i]!;
      const sig = listReadSig([...e.ids]);
      const same = this.#exact.get(sig);
      const at = { version: e.version, committedAt: entry.committedAt ?? 0 };
      if (same) {
        this.duplicates++;
        same.push(at);
      } else this.#exact.set(sig, [at]);
      for (const id of e.ids) if (!prev.has(id)) this.#delta.set(memberChangeSig('add', id), e.version);
      for (const id of prev) if (!e.ids.has(id)) this.#delta.set(memberChangeSig('remove', id), e.version);
      prev = e.ids;
    });
  }

  /**
   * Resolves a signature of this key seen at `at` (a read's end); version -1 when it names nothing the key ever had.
   */
  resolve(sig: string, at = Number.POSITIVE_INFINITY): ListResolved {
    if (sig.startsWith('+') || sig.startsWith('-')) return { version: this.#delta.get(sig) ?? -1, phantom: false };
    const exact = this.#exact.get(sig);
    if (exact !== undefined) {
      return { version: newestBefore(exact, at), phantom: false, ...(exact.length > 1 ? { ambiguous: true } : {}) };
    }
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
