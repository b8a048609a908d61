import { MockStateError } from './errors.js';
import { beginGoal, endGoal, type GoalType, progressGoal } from './ops/goalOps.js';
import { hypeTrainContribute, hypeTrainEnd } from './ops/hypeTrainOps.js';
import { endPoll, startPoll } from './ops/pollOps.js';
import { endPrediction, startPrediction } from './ops/predictionOps.js';
import { createReward, deleteReward, type RewardImage, type RewardInput, updateReward } from './ops/rewardOps.js';
import { subscribe, unsubscribe } from './ops/subscriptionOps.js';
import type { HistoryEntry } from './state/versionedStore.js';
import type { Row, ScheduleState } from './state/wireTypes.js';
import type { World } from './state/world.js';

/** More changes made on twitch.tv: subscriptions, goals, hype trains, rewards, polls, predictions, emotes, schedule. */
export interface ExternalChannelExtras {
  subscribe(
    broadcasterId: string,
    userId: string,
    options?: { tier?: '1000' | '2000' | '3000'; gifterId?: string },
  ): HistoryEntry;
  unsubscribe(broadcasterId: string, userId: string): HistoryEntry | undefined;
  /** Starts a goal; the entry's state lists the goals, the new one last. */
  beginGoal(
    broadcasterId: string,
    goal: { type: GoalType; description?: string; targetAmount: number; currentAmount?: number },
  ): HistoryEntry;
  progressGoal(broadcasterId: string, goalId: string, currentAmount: number): HistoryEntry | undefined;
  endGoal(broadcasterId: string, goalId: string): HistoryEntry | undefined;
  /** Starts a hype train or adds to the running one. */
  hypeTrainContribute(broadcasterId: string, userId: string, amount: number): HistoryEntry;
  endHypeTrain(broadcasterId: string): HistoryEntry | undefined;
  /** Reward fields use Helix's body names (`title`, `cost`, `is_paused`, ...). */
  /** `image`: images uploaded on twitch.tv (Helix cannot set them); default none (`image: null`). */
  createReward(
    broadcasterId: string,
    reward: RewardInput & { title: string; cost: number },
    image?: RewardImage,
  ): HistoryEntry;
  updateReward(broadcasterId: string, rewardId: string, patch: RewardInput): HistoryEntry | undefined;
  deleteReward(broadcasterId: string, rewardId: string): HistoryEntry | undefined;
  startPoll(broadcasterId: string, poll: { title: string; choices: string[]; duration: number }): HistoryEntry;
  endPoll(broadcasterId: string, pollId: string, status?: 'TERMINATED' | 'ARCHIVED'): HistoryEntry | undefined;
  startPrediction(
    broadcasterId: string,
    p: { title: string; outcomes: string[]; predictionWindow: number },
  ): HistoryEntry;
  /** Locks, resolves (with a winner) or cancels a prediction. */
  endPrediction(
    broadcasterId: string,
    predictionId: string,
    status: 'LOCKED' | 'RESOLVED' | 'CANCELED',
    winningOutcomeId?: string,
  ): HistoryEntry | undefined;
  /** Adds an emote to the broadcaster's set (Twitch sends no event for it). */
  addEmote(broadcasterId: string, name: string, tier?: '1000' | '2000' | '3000'): HistoryEntry;
  /** Adds a schedule segment (no event). */
  addScheduleSegment(
    broadcasterId: string,
    segment: { startTime: string; durationMinutes?: number; title?: string },
  ): HistoryEntry;
}

/** Builds the extra `mock.external` methods over a world. */
export function createExternalExtras(world: World): ExternalChannelExtras {
  const need = (...ids: string[]) => {
    for (const id of ids) if (!world.userExists(id)) throw new MockStateError(`unknown user ${id}`);
  };
  const latest = (key: string) => world.store.truth(key) as HistoryEntry;
  const when = (changed: unknown, key: string) => (changed ? latest(key) : undefined);
  return {
    subscribe(b, u, options = {}) {
      need(b, u, ...(options.gifterId ? [options.gifterId] : []));
      subscribe(world, b, u, options, 'external');
      return latest(`subscriptions:${b}`);
    },
    unsubscribe: (b, u) => need(b, u) ?? when(unsubscribe(world, b, u, 'external'), `subscriptions:${b}`),
    beginGoal(b, goal) {
      need(b);
      beginGoal(world, b, goal, 'external');
      return latest(`goals:${b}`);
    },
    progressGoal: (b, id, amount) => need(b) ?? when(progressGoal(world, b, id, amount, 'external'), `goals:${b}`),
    endGoal: (b, id) => need(b) ?? when(endGoal(world, b, id, 'external'), `goals:${b}`),
    hypeTrainContribute(b, u, amount) {
      need(b, u);
      if (!(amount > 0)) throw new MockStateError('amount must be positive');
      hypeTrainContribute(world, b, u, amount, 'external');
      return latest(`hype_train:${b}`);
    },
    endHypeTrain: (b) => need(b) ?? when(hypeTrainEnd(world, b, 'external'), `hype_train:${b}`),
    createReward(b, reward, image) {
      need(b);
      createReward(world, b, reward, 'external', image ?? null);
      return latest(`rewards:${b}`);
    },
    updateReward: (b, id, patch) => need(b) ?? when(updateReward(world, b, id, patch, 'external'), `rewards:${b}`),
    deleteReward: (b, id) => need(b) ?? when(deleteReward(world, b, id, 'external'), `rewards:${b}`),
    startPoll(b, poll) {
      need(b);
      startPoll(world, b, poll, 'external');
      return latest(`polls:${b}`);
    },
    endPoll: (b, id, status = 'TERMINATED') => need(b) ?? when(endPoll(world, b, id, status, 'external'), `polls:${b}`),
    startPrediction(b, p) {
      need(b);
      startPrediction(world, b, p, 'external');
      return latest(`predictions:${b}`);
    },
    endPrediction(b, id, status, winner) {
      need(b);
      const result = endPrediction(world, b, id, status, winner, 'external');
      if (typeof result === 'string') throw new MockStateError(`cannot end prediction ${id}: ${result}`);
      return latest(`predictions:${b}`);
    },
    addEmote(b, name, tier = '1000') {
      need(b);
      const id = `emotesv2_${world.random.string(32, '0123456789abcdef')}`;
      const base = `https://static-cdn.jtvnw.net/emoticons/v2/${id}/static/light`;
      const emote: Row = {
        id,
        name,
        images: { url_1x: `${base}/1.0`, url_2x: `${base}/2.0`, url_4x: `${base}/3.0` },
        tier,
        emote_type: 'subscriptions',
        emote_set_id: String(world.random.int(100_000_000, 999_999_999)),
        format: ['static'],
        scale: ['1.0', '2.0', '3.0'],
        theme_mode: ['light', 'dark'],
      };
      return world.commit(`emotes:${b}`, [...world.truth<Row[]>(`emotes:${b}`), emote], 'external') as HistoryEntry;
    },
    addScheduleSegment(b, segment) {
      need(b);
      const start = Date.parse(segment.startTime);
      if (Number.isNaN(start)) throw new MockStateError('startTime must be an ISO time');
      const current = world.truth<ScheduleState>(`schedule:${b}`);
      const row: Row = {
        id: Buffer.from(JSON.stringify({ segmentID: world.newId() })).toString('base64'),
        start_time: new Date(start).toISOString(),
        end_time: new Date(start + (segment.durationMinutes ?? 240) * 60_000).toISOString(),
        title: segment.title ?? '',
        canceled_until: null,
        category: null,
        is_recurring: false,
      };
      const segments = [...current.segments, row].sort((x, y) =>
        String(x.start_time).localeCompare(String(y.start_time)),
      );
      return world.commit(`schedule:${b}`, { ...current, segments }, 'external') as HistoryEntry;
    },
  };
}
