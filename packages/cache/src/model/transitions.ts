import { carries, coversAll, type Op, overlaps, scopesOf } from './ops.js';
import {
  type Base,
  concealed,
  EMPTY,
  type Entry,
  type FeedStates,
  feedsHold,
  type KeyState,
  NO_FEEDS,
  unsettled,
  visible,
} from './state.js';
import { storedUnder, view } from './view.js';

/**
 * Every rule of the coherence model, as pure functions from a key's state to its next state. Both authorities use
 * them: in memory they run synchronously; with Redis, on a state read with its version and committed only if the
 * version has not moved since (else run again on the newer state). Positions are Twitch's time in milliseconds,
 * from the order clock; nothing here reads a clock.
 */

/** Limits of one key's state. */
export interface ModelLimits {
  /** Most entries one key's log keeps; older ones are folded into the bases. Default 1 000. */
  readonly maxLog: number;
}

export const DEFAULT_LIMITS: ModelLimits = { maxLog: 1_000 };

/** A change pushed from outside (an event), or recorded by a write. */
export interface ChangeInput {
  readonly id: string;
  readonly pos: number;
  readonly ops: readonly Op[];
  /** How long the source may take to reflect the change. */
  readonly lagMs: number;
  /** For a change that gives a whole value: the key's feeds, whose epochs it is recorded under (see `Entry.feeds`). */
  readonly feeds?: readonly string[] | undefined;
}

/** The epochs of `names` as `feeds` shows them, -1 for a feed not covered. */
function recordedFeeds(names: readonly string[] | undefined, feeds: FeedStates): Record<string, number> | undefined {
  if (names === undefined) return undefined;
  const out: Record<string, number> = {};
  for (const name of names) {
    const f = feeds.get(name);
    out[name] = f?.covered === true ? f.epoch : -1;
  }
  return out;
}

/**
 * What recording a change did. `held`: recorded (or already covered by a change recorded before), but a write it may
 * precede or follow has no place yet.
 */
export type RecordOutcome = 'applied' | 'duplicate' | 'superseded' | 'held';

/** The result of a transition: the next state (the same object when nothing changed) and what happened. */
export interface Step<R> {
  readonly state: KeyState;
  readonly result: R;
}

function bump(state: KeyState, patch: Partial<Omit<KeyState, 'version'>>): KeyState {
  return { ...state, ...patch, version: state.version + 1 };
}

function insertSorted(log: readonly Entry[], e: Entry): Entry[] {
  let at = log.length;
  while (at > 0 && (log[at - 1] as Entry).pos > e.pos) at--;
  return [...log.slice(0, at), e, ...log.slice(at)];
}

/** The unsettled write an entry at `pos` on `scopes` cannot be ordered against, if any. */
function holdingWrite(
  log: readonly Entry[],
  scopes: readonly string[],
  pos: number,
  except?: string,
): Entry | undefined {
  return log.find(
    (w) =>
      w.id !== except &&
      unsettled(w) &&
      w.write !== undefined &&
      pos > w.write.from &&
      (!w.write.answered || pos <= (w.write.until ?? w.pos)) &&
      overlaps(w.scopes, scopes),
  );
}

/** Whether the change `id` waits for a write's place in the order (see {@link RecordOutcome}). */
export function isHeld(state: KeyState, id: string): boolean {
  const e = state.log.find((x) => x.id === id);
  return e !== undefined && e.write === undefined && heldUntil(state, e.ops, e.pos) !== undefined;
}

/**
 * Until when a change with `ops` at `pos` waits for a write's place in the order at most: the position by which the
 * write that holds it is settled where it is, if its own event does not come first. Undefined when nothing holds it.
 */
export function heldUntil(state: KeyState, ops: readonly Op[], pos: number): number | undefined {
  if (!state.log.some(unsettled)) return undefined;
  return holdingWrite(state.log, scopesOf(ops), pos)?.write?.settleBy;
}

/**
 * Records a change: once per id, after every change it supersedes, and ignored when a change already recorded is
 * positioned at or after it and covers everything it is about. A change that carries everything an unsettled write
 * wrote is that write's own event: the write takes the change's position.
 */
export function record(state: KeyState, change: ChangeInput, feeds: FeedStates = NO_FEEDS): Step<RecordOutcome> {
  const scopes = scopesOf(change.ops);
  const expiresAt = change.pos + change.lagMs;
  // first place the writes this change is the own event of: that holds even when the change itself is superseded
  let log = state.log;
  let placed = false;
  const writesOpen = log.some(unsettled);
  if (writesOpen) {
    if (log.some((e) => e.id === change.id)) {
      return { state, result: holdingWrite(log, scopes, change.pos) === undefined ? 'duplicate' : 'held' };
    }
    log = log.map((e) => {
      if (!unsettled(e) || e.write === undefined || change.pos <= e.write.from) return e;
      if (!overlaps(e.scopes, scopes) || !carries(change.ops, e.ops)) return e;
      placed = true;
      return {
        ...e,
        pos: change.pos,
        expiresAt: Math.max(e.expiresAt, expiresAt),
        write: { ...e.write, answered: true, settled: true },
      };
    });
    if (placed) log = [...log].sort((a, b) => a.pos - b.pos);
  }
  // one pass: a duplicate, a newer change covering this one, the older changes this one covers, and its place
  const kept: Entry[] = [];
  let at = -1;
  for (const e of log) {
    if (e.id === change.id) return { state, result: 'duplicate' };
    if (e.write === undefined) {
      if (e.pos >= change.pos && coversAll(e.scopes, scopes)) {
        // held like the change that covers it, while a write may precede or follow both
        const held = writesOpen && holdingWrite(log, scopes, change.pos) !== undefined;
        return { state: placed ? bump(state, { log }) : state, result: held ? 'held' : 'superseded' };
      }
      // superseded: wherever it would be laid, the new change is laid after it and covers all of it
      if (e.pos < change.pos && e.expiresAt <= expiresAt && coversAll(scopes, e.scopes)) continue;
    }
    if (at < 0 && e.pos > change.pos) at = kept.length;
    kept.push(e);
  }
  const recorded = recordedFeeds(change.feeds, feeds);
  const entry: Entry =
    recorded === undefined
      ? { id: change.id, pos: change.pos, ops: change.ops, scopes, expiresAt }
      : { id: change.id, pos: change.pos, ops: change.ops, scopes, expiresAt, feeds: recorded };
  if (at < 0) kept.push(entry);
  else kept.splice(at, 0, entry);
  const next = bump(state, { log: kept });
  const held = writesOpen && holdingWrite(kept, scopes, change.pos) !== undefined;
  return { state: next, result: held ? 'held' : 'applied' };
}

/** A value loaded from the source for a variant. */
export interface FillInput {
  readonly variant: string;
  readonly json: unknown;
  readonly readPos: number;
  readonly ttlMs: number;
  /** The epochs of the key's feeds when the load began (see {@link Base.feeds}). */
  readonly feeds?: Readonly<Record<string, number>> | undefined;
}

/** What a fill did: stored it, or refused it (the state then already says better). */
export type FillOutcome = 'stored' | 'refused';

/**
 * Stores a loaded value as the variant's base, unless the state already holds a base loaded later, a `reload` was
 * positioned after the load began (the answer may predate it), folded changes may be missing from it, or one of its
 * feeds is not at the epoch the load began under or not covered (`feeds`, as read with the state). A base
 * loaded while a `reload` may not be reflected yet lives only until it is.
 */
export function fill(state: KeyState, input: FillInput, now: number, feeds: FeedStates = NO_FEEDS): Step<FillOutcome> {
  // a feed that moved or lost coverage while the load ran: a change may have gone unheard
  if (!feedsHold(input.feeds, feeds)) return { state, result: 'refused' };
  // a base loaded later wins, unless it was not loaded under the feeds this one was (a process that does not
  // listen for the key stored it): the one that gaps can revalidate replaces it
  const held = state.bases[input.variant];
  if (held !== undefined && held.expiresAt > now && held.readPos > input.readPos) {
    if (input.feeds === undefined || storedUnder(held, Object.keys(input.feeds))) return { state, result: 'refused' };
  }
  if (input.readPos < state.protectUntil) return { state, result: 'refused' };
  let expiresAt = now + input.ttlMs;
  for (const e of state.log) {
    if (!visible(e) || !e.ops.some((o) => o.op === 'reload')) continue;
    if (e.pos > input.readPos) return { state, result: 'refused' };
    if (e.expiresAt > input.readPos) expiresAt = Math.min(expiresAt, e.expiresAt);
  }
  const base: Base =
    input.feeds === undefined
      ? { json: input.json, readPos: input.readPos, expiresAt }
      : { json: input.json, readPos: input.readPos, expiresAt, feeds: input.feeds };
  return { state: bump(state, { bases: { ...state.bases, [input.variant]: base } }), result: 'stored' };
}

/** A write about to be sent: what it will change, and the position before sending. */
export interface WriteInput {
  readonly id: string;
  readonly from: number;
  readonly ops: readonly Op[];
  readonly lagMs: number;
  /** How long the write may stay unanswered before it is given up (its writer may have died). */
  readonly openMs: number;
  /** Which process makes it (see `WriteMark.writer`). */
  readonly writer?: string | undefined;
}

/**
 * Opens a write: recorded before the request is sent, so that its own event is recognised in every process, even
 * if the writer dies before Twitch answers. Not visible until answered.
 */
export function beginWrite(state: KeyState, input: WriteInput): Step<void> {
  if (state.log.some((e) => e.id === input.id)) return { state, result: undefined };
  const entry: Entry = {
    id: input.id,
    pos: input.from,
    ops: input.ops,
    scopes: scopesOf(input.ops),
    expiresAt: input.from + input.openMs + input.lagMs,
    write: {
      from: input.from,
      answered: false,
      settled: false,
      settleBy: input.from + input.openMs,
      ...(input.writer === undefined ? {} : { writer: input.writer }),
    },
  };
  return { state: bump(state, { log: insertSorted(state.log, entry) }), result: undefined };
}

/** Twitch answered the write: visible at once, at position `to`, until its own event places it (or `holdMs` passes). */
export interface AnswerInput {
  readonly id: string;
  readonly to: number;
  /** The ops as Twitch's answer states them, when they say more than the request did. */
  readonly ops?: readonly Op[] | undefined;
  readonly lagMs: number;
  readonly holdMs: number;
  /** The latest position Twitch's commit can have (see `WriteMark.until`); default `to`. */
  readonly until?: number | undefined;
  /** For an answer that gives a whole value: the key's feeds (see {@link ChangeInput.feeds}). */
  readonly feeds?: readonly string[] | undefined;
}

export function answerWrite(state: KeyState, input: AnswerInput, feeds: FeedStates = NO_FEEDS): Step<void> {
  const e = state.log.find((x) => x.id === input.id);
  if (e?.write === undefined) {
    // dropped (given up, or never recorded where Redis failed): the answer alone says what was written
    if (input.ops === undefined || e !== undefined) return { state, result: undefined };
    return {
      state: record(
        state,
        { id: input.id, pos: input.to, ops: input.ops, lagMs: input.lagMs, feeds: input.feeds },
        feeds,
      ).state,
      result: undefined,
    };
  }
  if (e.write.answered) return { state, result: undefined };
  const ops = input.ops ?? e.ops;
  const recorded = recordedFeeds(input.feeds, feeds);
  const answered: Entry = {
    ...e,
    ...(recorded === undefined ? {} : { feeds: recorded }),
    pos: input.to,
    ops,
    scopes: scopesOf(ops),
    expiresAt: input.to + input.lagMs,
    write: {
      ...e.write,
      answered: true,
      answeredAt: input.to,
      settleBy: Math.max(input.to, input.until ?? input.to) + input.holdMs,
      ...(input.until !== undefined && input.until > input.to ? { until: input.until } : {}),
    },
  };
  const log = insertSorted(
    state.log.filter((x) => x !== e),
    answered,
  );
  return { state: bump(state, { log }), result: undefined };
}

/**
 * The writer's call is about to return: the answered write `id` is shown from then on. Refused (`false`, nothing
 * changed) while it is hidden (see `concealed`): the call waits.
 */
export function showWrite(state: KeyState, id: string): Step<boolean> {
  const e = state.log.find((x) => x.id === id);
  if (e?.write === undefined || e.write.shown === true) return { state, result: true };
  if (concealed(state.log, e)) return { state, result: false };
  const shown: Entry = { ...e, write: { ...e.write, shown: true } };
  return { state: bump(state, { log: state.log.map((x) => (x === e ? shown : x)) }), result: true };
}

/** The write failed or wrote nothing: it never happened. */
export function failWrite(state: KeyState, id: string): Step<void> {
  const e = state.log.find((x) => x.id === id);
  if (e?.write === undefined) return { state, result: undefined };
  return { state: bump(state, { log: state.log.filter((x) => x !== e) }), result: undefined };
}

/**
 * Drops what no read can need any more, at position `now`: expired bases; writes never answered in time; entries
 * every base already reflects, once the source reflects them too. Answered writes whose own event did not come in
 * time keep the place of their answer. When the log exceeds `limits.maxLog`, its oldest entries are folded into the
 * bases, and fills loaded before the source reflects them are refused from then on.
 */
export function collect(state: KeyState, now: number, limits: ModelLimits = DEFAULT_LIMITS): KeyState {
  let changed = false;
  const bases: Record<string, Base> = {};
  for (const [variant, b] of Object.entries(state.bases)) {
    if (b.expiresAt > now) bases[variant] = b;
    else changed = true;
  }
  const baseList = Object.values(bases);
  const log: Entry[] = [];
  let keptPut = false;
  for (const e of state.log) {
    if (e.write !== undefined && !e.write.settled && e.write.settleBy <= now) {
      changed = true;
      if (!e.write.answered) continue;
      log.push({ ...e, write: { ...e.write, settled: true } });
      continue;
    }
    // a change the source reflects by now and every base reflects: a later load (a miss) shows it too; a change
    // after a `put` that is still needed stays, since a read without a base starts from that put
    if (e.expiresAt <= now && !unsettled(e) && !keptPut && baseList.every((b) => b.readPos >= e.expiresAt)) {
      changed = true;
      continue;
    }
    if (e.ops.some((o) => o.op === 'put')) keptPut = true;
    log.push(e);
  }
  let protectUntil = state.protectUntil;
  while (log.length > limits.maxLog) {
    const at = log.findIndex((e) => !unsettled(e));
    if (at < 0) break;
    const [oldest] = log.splice(at, 1) as [Entry];
    for (const [variant, b] of Object.entries(bases)) {
      if (b.readPos >= oldest.expiresAt) continue;
      const folded = view({ version: 0, bases: { [variant]: b }, log: [oldest], protectUntil: 0 }, variant, now);
      if (folded.found) bases[variant] = { ...b, json: folded.value };
      else delete bases[variant];
    }
    protectUntil = Math.max(protectUntil, oldest.expiresAt);
    changed = true;
  }
  if (!changed) return state;
  return bump(state, { bases, log, protectUntil });
}

/**
 * Records again the entries of `journal` (one process's own record of a key) that `state` lacks and that the source
 * may not reflect yet at `now`: after the store lost the key, what that process wrote or received is laid over
 * Helix's answers again, at its positions. Changes go through {@link record} (a newer change recorded meanwhile
 * still supersedes them); writes are put back as they were.
 */
export function restore(state: KeyState, journal: readonly Entry[], now: number): KeyState {
  let next = state;
  for (const e of journal) {
    if (e.expiresAt <= now || next.log.some((x) => x.id === e.id)) continue;
    if (e.write === undefined) {
      const restored = record(next, { id: e.id, pos: e.pos, ops: e.ops, lagMs: e.expiresAt - e.pos }).state;
      // the journal's feed epochs are not the store's: such a change is laid over bases only, until Helix is asked
      next =
        e.feeds === undefined
          ? restored
          : { ...restored, log: restored.log.map((x) => (x.id === e.id ? { ...x, feeds: NEVER_HELD } : x)) };
    } else next = bump(next, { log: insertSorted(next.log, e) });
  }
  return next;
}

/** Feed epochs no feed has: a change recorded under them is never served without a base. */
const NEVER_HELD: Readonly<Record<string, number>> = Object.freeze({ '': -1 });

/** The earliest position at which {@link collect} would change something, for a timer; Infinity when none. */
export function nextDeadline(state: KeyState): number {
  let at = Number.POSITIVE_INFINITY;
  for (const b of Object.values(state.bases)) at = Math.min(at, b.expiresAt);
  for (const e of state.log) {
    if (unsettled(e) && e.write !== undefined) at = Math.min(at, e.write.settleBy);
    else at = Math.min(at, e.expiresAt);
  }
  return at;
}

export { EMPTY };
