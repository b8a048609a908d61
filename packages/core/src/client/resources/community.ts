/**
 * Cached reads whose events carry partial state (polls, predictions, goals, hype trains, subscriptions), whose
 * state has no event at all (schedule), or custom rewards: these are invalidated by their events and writes, or
 * patched from Twitch's answers where it returns the new object.
 */
import { randomUUID } from 'node:crypto';

import type { ResourceKind } from '../../catalog/types.js';
import type {
  CustomReward,
  GetBroadcasterSubscriptionsResponse,
  GetChannelStreamScheduleResponse,
  GetCreatorGoalsResponse,
  GetHypeTrainStatusResponse,
  GetPollsResponse,
  GetPredictionsResponse,
} from '../../generated/helix-types.js';
import type { CachedReadOptions } from '../resource-cache.js';
import { checkId, type ResourceContext } from './context.js';

/** A cached read of one broadcaster's resource, user-scoped by the reader's token. */
function scopedRead<V>(
  c: ResourceContext,
  kind: ResourceKind,
  broadcasterId: string,
  options: CachedReadOptions | undefined,
  fetch: (b: string, reader: string | undefined, signal: AbortSignal) => Promise<V>,
): Promise<V> {
  const b = checkId('broadcasterId', broadcasterId);
  const reader = options?.asUser ?? c.userId();
  return c.rc.read(kind, b, reader, (signal) => fetch(b, reader, signal), options);
}

/** `client.channelPoints`. */
export class ChannelPointsResource {
  readonly #c: ResourceContext;
  constructor(context: ResourceContext) {
    this.#c = context;
  }

  /** The broadcaster's custom rewards (read with the broadcaster's token). */
  async getCustomRewards(broadcasterId: string, options?: CachedReadOptions): Promise<readonly CustomReward[]> {
    return scopedRead(this.#c, 'rewards', broadcasterId, options, async (b, reader, signal) => {
      return (await this.#c.helix.channelPoints.getCustomReward({ broadcasterId: b }, { signal, asUser: reader })).data;
    });
  }
}

/** `client.polls`. */
export class PollsResource {
  readonly #c: ResourceContext;
  constructor(context: ResourceContext) {
    this.#c = context;
  }

  /** The broadcaster's recent polls (first page). Invalidated by channel.poll.* events. */
  async get(broadcasterId: string, options?: CachedReadOptions): Promise<GetPollsResponse> {
    return scopedRead(this.#c, 'polls', broadcasterId, options, (b, reader, signal) =>
      this.#c.helix.polls.getPolls({ broadcasterId: b }, { signal, asUser: reader }),
    );
  }
}

/** `client.predictions`. */
export class PredictionsResource {
  readonly #c: ResourceContext;
  constructor(context: ResourceContext) {
    this.#c = context;
  }

  /** The broadcaster's recent predictions (first page). Invalidated by channel.prediction.* events. */
  async get(broadcasterId: string, options?: CachedReadOptions): Promise<GetPredictionsResponse> {
    return scopedRead(this.#c, 'predictions', broadcasterId, options, (b, reader, signal) =>
      this.#c.helix.predictions.getPredictions({ broadcasterId: b }, { signal, asUser: reader }),
    );
  }
}

/** `client.goals`. */
export class GoalsResource {
  readonly #c: ResourceContext;
  constructor(context: ResourceContext) {
    this.#c = context;
  }

  /** The broadcaster's active creator goals. Invalidated by channel.goal.* events. */
  async get(broadcasterId: string, options?: CachedReadOptions): Promise<GetCreatorGoalsResponse> {
    return scopedRead(this.#c, 'goals', broadcasterId, options, (b, reader, signal) =>
      this.#c.helix.goals.getCreatorGoals({ broadcasterId: b }, { signal, asUser: reader }),
    );
  }
}

/** `client.hypeTrain`. */
export class HypeTrainResource {
  readonly #c: ResourceContext;
  constructor(context: ResourceContext) {
    this.#c = context;
  }

  /** The hype train status. Invalidated by channel.hype_train.* events. */
  async getStatus(broadcasterId: string, options?: CachedReadOptions): Promise<GetHypeTrainStatusResponse> {
    return scopedRead(this.#c, 'hype_train', broadcasterId, options, (b, reader, signal) =>
      this.#c.helix.hypeTrain.getHypeTrainStatus({ broadcasterId: b }, { signal, asUser: reader }),
    );
  }
}

/** `client.subscriptions`. */
export class SubscriptionsResource {
  readonly #c: ResourceContext;
  constructor(context: ResourceContext) {
    this.#c = context;
  }

  /** The broadcaster's subscribers (first page) and totals. Invalidated by subscribe/end/gift events. */
  async getBroadcasterSubscriptions(
    broadcasterId: string,
    options?: CachedReadOptions,
  ): Promise<GetBroadcasterSubscriptionsResponse> {
    return scopedRead(this.#c, 'subscriptions', broadcasterId, options, (b, reader, signal) =>
      this.#c.helix.subscriptions.getBroadcasterSubscriptions({ broadcasterId: b }, { signal, asUser: reader }),
    );
  }
}

/** `client.schedule`. */
export class ScheduleResource {
  readonly #c: ResourceContext;
  constructor(context: ResourceContext) {
    this.#c = context;
  }

  /** The broadcaster's stream schedule (first page). TTL-bounded: no event reports schedule changes. */
  async get(broadcasterId: string, options?: CachedReadOptions): Promise<GetChannelStreamScheduleResponse> {
    const b = checkId('broadcasterId', broadcasterId);
    return this.#c.rc.read(
      'schedule',
      b,
      undefined,
      (signal) => this.#c.helix.schedule.getChannelStreamSchedule({ broadcasterId: b }, { signal }),
      options,
    );
  }

  /** Drops the cached schedule (call after changing it through `client.helix.schedule`). */
  async invalidate(broadcasterId: string): Promise<void> {
    const b = checkId('broadcasterId', broadcasterId);
    const at = this.#c.clock.now();
    await this.#c.rc.reload('schedule', b, { id: `schedule-write:${randomUUID()}`, at });
  }
}
