import { headerValue, type Middleware } from '../http/types.js';

/**
 * Twitch's clock as this process can bound it. A write is ordered against events by where it sits in Twitch's
 * order, and events carry Twitch's timestamps: a write stamped by a local clock that is off by seconds would be
 * ordered before changes committed after it (and lost under them) or after changes committed before it.
 *
 * Every message Twitch stamped tells a lower bound of the offset (Twitch's clock read at least the stamp when the
 * message arrived), and so does every Helix answer's `Date` header: the offset is the largest such bound seen
 * recently, which errs by the smallest delivery delay (a second more from dates alone), on the early side. Until
 * Twitch has said anything, the local clock is used as it is.
 */
export class TwitchClock {
  readonly #local: { now(): number };
  /** Lower bound of Twitch's time minus local time, and the local time it was last raised or renewed. */
  #lower = Number.NEGATIVE_INFINITY;
  #lowerSeenAt = Number.NEGATIVE_INFINITY;
  /** The latest position handed out. */
  #last = Number.NEGATIVE_INFINITY;

  /**
   * How long a lower bound holds without being seen again: the local clock may be corrected (NTP) meanwhile, so an
   * old bound can be too high.
   */
  static readonly BOUND_HOLD_MS = 60_000;

  constructor(local: { now(): number }) {
    this.#local = local;
  }

  /**
   * Upper bound of Twitch's time minus local time, from Helix answers: an answer dated `D` (whole seconds) was
   * generated before `D + 1 s`, and reached us at most the request's round trip later. Renewed like the lower bound.
   */
  #upper = Number.POSITIVE_INFINITY;
  #upperSeenAt = Number.NEGATIVE_INFINITY;

  /** A message Twitch stamped `twitchMs` (an EventSub `message_timestamp`) has just arrived. */
  sawTimestamp(twitchMs: number): void {
    this.#saw(twitchMs, TwitchClock.STAMP_SLACK_MS);
  }

  /**
   * A Helix answer dated `dateMs` (its `Date` header, whole seconds) has just arrived: a lower bound like a stamp's,
   * early by up to a second more, so it renews a bound up to that much higher.
   */
  sawDate(dateMs: number, roundTripMs = 0): void {
    this.#saw(dateMs, 1_000 + TwitchClock.STAMP_SLACK_MS);
    if (!Number.isFinite(dateMs) || !(roundTripMs >= 0)) return;
    const local = this.#local.now();
    const bound = dateMs + 1_000 + roundTripMs - local;
    if (bound < this.#upper || local - this.#upperSeenAt > TwitchClock.BOUND_HOLD_MS) {
      this.#upper = bound;
      this.#upperSeenAt = local;
    } else if (bound < this.#upper + 1_000) this.#upperSeenAt = local;
  }

  /**
   * The latest Twitch's time can be now, as best known: the upper bound Helix answers give (at most a second and a
   * round trip late), or {@link now} when none is known. A write's answer bounds its commit by it: changes up to it
   * may have been committed before or after the write, until its own event tells.
   */
  latestPossible(): number {
    const lower = this.now();
    if (!Number.isFinite(this.#upper)) return lower;
    return Math.max(lower, this.#local.now() + this.#upper);
  }

  /** How far below the bound a stamp may be and still renew it: about a delivery delay. */
  static readonly STAMP_SLACK_MS = 50;

  #saw(twitchMs: number, slackMs: number): void {
    if (!Number.isFinite(twitchMs)) return;
    const local = this.#local.now();
    const bound = twitchMs - local;
    if (bound > this.#lower || local - this.#lowerSeenAt > TwitchClock.BOUND_HOLD_MS) {
      this.#lower = bound;
      this.#lowerSeenAt = local;
    } else if (bound > this.#lower - slackMs) {
      this.#lowerSeenAt = local; // seen again, within a delivery delay of the bound: it still holds
    }
  }

  /** Twitch's time minus local time, as best known (0 until Twitch has stamped a message). */
  get offsetMs(): number {
    return Number.isFinite(this.#lower) ? this.#lower : 0;
  }

  /**
   * Twitch's time now, as best known, in milliseconds; always more than an earlier answer. The offset can drop (the
   * first stamp arrives, or an old bound lapses): positions then stand still until the corrected clock catches up,
   * so that a write is never placed before one made earlier by this process.
   */
  now(): number {
    const t = this.#local.now() + this.offsetMs;
    // strictly increasing: two writes of one key in one millisecond (or while positions stand still) must not share
    // a position, or the later one would be taken for a change no newer than the earlier one
    this.#last = t > this.#last ? t : this.#last + TwitchClock.STEP_MS;
    return this.#last;
  }

  /** The least step between two positions handed out (a microsecond). */
  static readonly STEP_MS = 0.001;
}

/** Middleware (once per attempt, next to the wire) that tells `clock` the `Date` of every Helix answer. */
export function helixDates(clock: TwitchClock): Middleware {
  return (next) => async (request) => {
    const sentAt = performance.now();
    const response = await next(request);
    const date = headerValue(response, 'date');
    if (date !== undefined) clock.sawDate(Date.parse(date), performance.now() - sentAt);
    return response;
  };
}
