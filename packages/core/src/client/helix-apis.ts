/** The Helix groups the cached resources use, built over one operation runner (the Client's Helix client). */
import {
  ChannelPointsApi,
  ChannelsApi,
  ChatApi,
  GoalsApi,
  HypeTrainApi,
  ModerationApi,
  PollsApi,
  PredictionsApi,
  ScheduleApi,
  StreamsApi,
  SubscriptionsApi,
  UsersApi,
} from '../generated/helix-groups.js';
import type { OperationRunner } from '../helix/operation.js';

export class HelixApis {
  readonly users: UsersApi;
  readonly channels: ChannelsApi;
  readonly streams: StreamsApi;
  readonly moderation: ModerationApi;
  readonly channelPoints: ChannelPointsApi;
  readonly polls: PollsApi;
  readonly predictions: PredictionsApi;
  readonly chat: ChatApi;
  readonly goals: GoalsApi;
  readonly hypeTrain: HypeTrainApi;
  readonly subscriptions: SubscriptionsApi;
  readonly schedule: ScheduleApi;

  constructor(runner: OperationRunner) {
    this.users = new UsersApi(runner);
    this.channels = new ChannelsApi(runner);
    this.streams = new StreamsApi(runner);
    this.moderation = new ModerationApi(runner);
    this.channelPoints = new ChannelPointsApi(runner);
    this.polls = new PollsApi(runner);
    this.predictions = new PredictionsApi(runner);
    this.chat = new ChatApi(runner);
    this.goals = new GoalsApi(runner);
    this.hypeTrain = new HypeTrainApi(runner);
    this.subscriptions = new SubscriptionsApi(runner);
    this.schedule = new ScheduleApi(runner);
  }
}

/** Collects every item of a paginated read into one frozen-friendly array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
