import { z } from 'zod';
import { type Op, opSchema, overlaps as overlapsScopes } from './ops.js';

/**
 * A value loaded from the source for one variant of a key (the variant is the reader, for reads whose answer depends
 * on who asks; `''` otherwise), with the position at which the load began: the source's answer reflects every
 * change positioned far enough before it, and possibly none after.
 */
export interface Base {
  readonly json: unknown;
  /** Position (Twitch's time, ms) at which the load began: a lower bound of what the answer reflects. */
  readonly readPos: number;
  /** Position after which the base is no longer served. */
  readonly expiresAt: number;
  /**
   * The feeds that report the key's changes, with their epochs when the load began: the base is served only while
   * each is still at that epoch and covered (a gap may have hidden a change).
   */
  readonly feeds?: Readonly<Record<string, number>> | undefined;
}

/** A feed's state as a store read it with the key's state: its epoch and whether it is covered now. */
export interface FeedStatus {
  readonly epoch: number;
  readonly covered: boolean;
  /** For how long, from the read, the feed is known to stay covered (0 when it is not). */
  readonly coveredForMs: number;
}

/** Feed states by name; a feed missing from it counts as not covered. */
export type FeedStates = ReadonlyMap<string, FeedStatus>;

/** No feed known. */
export const NO_FEEDS: FeedStates = new Map();

/** Whether a base's feeds are all at the epochs it was loaded under and covered. */
export function feedsHold(recorded: Readonly<Record<string, number>> | undefined, feeds: FeedStates): boolean {
  if (recorded === undefined) return true;
  for (const name in recorded) {
    const f = feeds.get(name);
    if (f === undefined || !f.covered || f.epoch !== recorded[name]) return false;
  }
  return true;
}

/** A write this process or another made through the SDK, while its place in Twitch's order is not known. */
export interface WriteMark {
  /** Position before the request was sent: the write committed after it. */
  readonly from: number;
  /** Whether Twitch answered: then the entry's `pos` is the position after the answer, and the write is visible. */
  readonly answered: boolean;
  /** Whether its place is known: its own event arrived (then `pos` is the event's), or it was given up waiting. */
  readonly settled: boolean;
  /** Position after which an unanswered write is dropped and an answered one counts as settled where it is. */
  readonly settleBy: number;
  /**
   * For an answered write: the latest position its commit can have (the answer's position is where it stays if its
   * own event never comes, and may be early by the clock's error). Changes up to it are held, and other writes of
   * the same fields committed up to it conceal it, until its own event places it. Default: the entry's `pos`.
   */
  readonly until?: number | undefined;
  /**
   * Its writer's call returned: the write is shown from then on, even when another write of the same fields begins
   * inside its span (that one is then hidden instead, until the order is known).
   */
  readonly shown?: boolean | undefined;
  /** The position of Twitch's answer (kept when its own event places the write elsewhere). */
  readonly answeredAt?: number | undefined;
  /** Which process made it (its positions are on that process's clock). */
  readonly writer?: string | undefined;
}

/** One change in a key's log, laid over every base read before the source could reflect it. */
export interface Entry {
  /** The change's id (an event's message id, a write's own id): a change is recorded once. */
  readonly id: string;
  /** Where the change sits in Twitch's order. */
  readonly pos: number;
  readonly ops: readonly Op[];
  readonly scopes: readonly string[];
  /** `pos` plus the source's lag: a base read from then on reflects the change, and the entry is not laid over it. */
  readonly expiresAt: number;
  readonly write?: WriteMark | undefined;
  /**
   * For a change that gives a whole value: the epochs of the key's feeds when it was recorded (-1 for one not
   * covered then). With no base to lay it over, it is served only while each is still at that epoch and covered:
   * after a gap, Helix is asked again.
   */
  readonly feeds?: Readonly<Record<string, number>> | undefined;
}

/**
 * Everything one key is: a version that advances on every change, the bases loaded per variant, and the log of
 * changes the source may not reflect yet, in position order. A read's answer is a function of this state alone
 * (see `view.ts`), so that every process that holds the same version serves the same thing.
 */
export interface KeyState {
  readonly version: number;
  readonly bases: Readonly<Record<string, Base>>;
  readonly log: readonly Entry[];
  /**
   * Changes folded into the bases when the log was full: a base loaded before this position may lack them, so
   * such a fill is refused.
   */
  readonly protectUntil: number;
}

/** The state of a key nothing is known of. */
export const EMPTY: KeyState = Object.freeze({
  version: 0,
  bases: Object.freeze({}),
  log: Object.freeze([]),
  protectUntil: 0,
});

const position = z.number().finite();

/** The schema a state read back from storage must pass before it is used. */
export const stateSchema: z.ZodType<KeyState> = z.object({
  version: z.number().int().nonnegative(),
  bases: z.record(
    z.string(),
    z.object({
      json: z.unknown(),
      readPos: position,
      expiresAt: position,
      feeds: z.record(z.string(), z.number().int().min(-1)).optional(),
    }),
  ),
  log: z.array(
    z.object({
      id: z.string().min(1),
      pos: position,
      ops: z.array(opSchema),
      scopes: z.array(z.string()),
      expiresAt: position,
      write: z
        .object({
          from: position,
          answered: z.boolean(),
          settled: z.boolean(),
          settleBy: position,
          until: position.optional(),
          shown: z.boolean().optional(),
          answeredAt: position.optional(),
          writer: z.string().max(64).optional(),
        })
        .optional(),
      feeds: z.record(z.string(), z.number().int().min(-1)).optional(),
    }),
  ),
  protectUntil: position,
}) as z.ZodType<KeyState>;

/** Whether an entry is laid over views: everything but a write Twitch has not answered yet. */
export function visible(e: Entry): boolean {
  return e.write === undefined || e.write.answered;
}

/**
 * Whether an answered write is hidden because its place against another write of the same fields is unknown: the
 * other may have committed inside its span (from sending to the latest its answer allows, or at its own event's
 * place once placed), so either may be the later one, and showing either could show the older. It stays hidden until
 * both are placed (or a hold runs out); its writer's call waits for that (see `CoherentKeys.visible`). Once that call
 * returned, the write stays shown.
 */
export function concealed(log: readonly Entry[], w: Entry): boolean {
  return concealedUntil(log, w) !== undefined;
}

/**
 * Until when `w` is hidden at most (see {@link concealed}): the earliest position by which a write that hides it is
 * settled where it is; undefined when nothing hides it.
 */
export function concealedUntil(log: readonly Entry[], w: Entry): number | undefined {
  if (w.write === undefined || !w.write.answered || w.write.shown === true) return undefined;
  // placed by its own event, it committed there; else anywhere from its sending to the latest its answer allows
  const placed = w.write.settled;
  const from = placed ? w.pos : w.write.from;
  const to = placed ? w.pos : (w.write.until ?? w.pos);
  // an unplaced write stops being hidden when its own hold ends too
  const ownSettle = placed ? Number.POSITIVE_INFINITY : w.write.settleBy;
  let until: number | undefined;
  for (const o of log) {
    if (o === w || o.write === undefined || !overlapsScopes(o.scopes, w.scopes)) continue;
    if (placed && o.write.settled) continue;
    // sent after the other was answered (or this one after it): their order is known
    if (answeredBefore(o, w) || answeredBefore(w, o)) continue;
    // where `o` may have committed: at its place once placed, else from its sending to its answer (or any time
    // after its sending, while unanswered)
    const oFrom = o.write.settled ? o.pos : o.write.from;
    const oTo = o.write.settled ? o.pos : o.write.answered ? (o.write.until ?? o.pos) : Number.POSITIVE_INFINITY;
    if (oFrom < to && oTo > from) {
      // hidden until one of the two is settled where it is (a placed one already is)
      const ends = o.write.settled ? ownSettle : Math.min(o.write.settleBy, ownSettle);
      until = Math.min(until ?? Number.POSITIVE_INFINITY, ends);
    }
  }
  return until;
}

/**
 * Whether write `a` was answered before write `b` was sent: then Twitch committed `a` first. Positions of answers and
 * sendings are lower bounds of Twitch's time, early by their process's clock error: one process's own writes
 * compare as they are; another process's sending must come after the latest `a`'s commit can be.
 */
export function answeredBefore(a: Entry, b: Entry): boolean {
  if (a.write === undefined || b.write === undefined || !a.write.answered) return false;
  const sameClock = a.write.writer !== undefined && a.write.writer === b.write.writer;
  return b.write.from >= (sameClock ? answerPos(a) : (a.write.until ?? answerPos(a)));
}

/** The position of a write's answer: where it stays if its own event never comes (its `pos` until placed). */
function answerPos(e: Entry): number {
  return e.write?.answeredAt ?? e.pos;
}

/** Whether an entry is a write whose place in Twitch's order is not known yet. */
export function unsettled(e: Entry): boolean {
  return e.write !== undefined && !e.write.settled;
}
