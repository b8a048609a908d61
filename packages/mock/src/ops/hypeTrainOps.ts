import type { ChangeOrigin } from '../state/versionedStore.js';
import type { World } from '../state/world.js';
import { channelEvent } from './channelEvent.js';

/** The state stored at `hype_train:<id>`: the current train (or null) and the all-time high. */
export interface HypeTrainState {
  current: Record<string, unknown> | null;
  all_time_high: { level: number; total: number; achieved_at: string } | null;
}

function eventOf(world: World, b: string, t: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    id: t.id,
    ...world.broadcasterFields(b),
    total: t.total,
    progress: t.progress,
    goal: t.goal,
    top_contributions: t.top_contributions,
    shared_train_participants: null,
    level: t.level,
    started_at: t.started_at,
    expires_at: t.expires_at,
    is_shared_train: false,
    type: 'regular',
    ...extra,
  };
}

function read(world: World, b: string): HypeTrainState {
  return world.truth<HypeTrainState | null>(`hype_train:${b}`) ?? { current: null, all_time_high: null };
}

/** Starts a hype train or adds to it; publishes `channel.hype_train.begin` then `.progress` (v2). */
export function hypeTrainContribute(
  world: World,
  b: string,
  userId: string,
  amount: number,
  origin: ChangeOrigin,
): HypeTrainState {
  const state = read(world, b);
  const now = world.clock.now();
  const previous = state.current;
  const total = Number(previous?.total ?? 0) + amount;
  const level = Math.floor(total / 1000) + 1;
  const current = {
    id: previous?.id ?? world.newId(),
    broadcaster_user_id: b,
    broadcaster_user_login: world.user(b).login,
    broadcaster_user_name: world.user(b).display_name,
    level,
    total,
    progress: total % 1000,
    goal: 1000,
    top_contributions: [{ ...world.userFields(userId), type: 'bits', total: amount }],
    shared_train_participants: null,
    started_at: previous?.started_at ?? new Date(now).toISOString(),
    expires_at: new Date(now + 5 * 60_000).toISOString(),
    type: 'regular',
  };
  const next: HypeTrainState = { current, all_time_high: state.all_time_high };
  const type = previous ? 'channel.hype_train.progress' : 'channel.hype_train.begin';
  const high = state.all_time_high;
  world.commit(`hype_train:${b}`, next, origin, [
    {
      type,
      version: '2',
      condition: { broadcaster_user_id: b },
      event: eventOf(world, b, current, {
        all_time_high_level: high?.level ?? level,
        all_time_high_total: high?.total ?? total,
      }),
    },
  ]);
  return next;
}

/** Ends the hype train; publishes `channel.hype_train.end` (v2). */
export function hypeTrainEnd(world: World, b: string, origin: ChangeOrigin): boolean {
  const state = read(world, b);
  const t = state.current;
  if (!t) return false;
  const level = Number(t.level);
  const total = Number(t.total);
  const high =
    state.all_time_high && state.all_time_high.total >= total
      ? state.all_time_high
      : { level, total, achieved_at: world.now() };
  world.commit(`hype_train:${b}`, { current: null, all_time_high: high }, origin, [
    channelEvent(
      'channel.hype_train.end',
      b,
      {
        id: t.id,
        ...world.broadcasterFields(b),
        total,
        level,
        top_contributions: t.top_contributions,
        shared_train_participants: null,
        started_at: t.started_at,
        ended_at: world.now(),
        cooldown_ends_at: new Date(world.clock.now() + 3_600_000).toISOString(),
        is_shared_train: false,
        type: 'regular',
      },
      '2',
    ),
  ]);
  return true;
}
