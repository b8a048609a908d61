import type { ChangeOrigin } from '../state/versionedStore.js';
import type { Row } from '../state/wireTypes.js';
import type { World } from '../state/world.js';
import { channelEvent } from './channelEvent.js';

/** The goal types Twitch knows. */
export type GoalType =
  | 'follower'
  | 'subscription'
  | 'subscription_count'
  | 'new_subscription'
  | 'new_subscription_count';

function goalEvent(world: World, b: string, g: Row, extra: Record<string, unknown> = {}) {
  return {
    id: g.id,
    ...world.broadcasterFields(b),
    type: g.type,
    description: g.description,
    current_amount: g.current_amount,
    target_amount: g.target_amount,
    started_at: g.created_at,
    ...extra,
  };
}

/** Starts a goal (on twitch.tv only: Helix has no write); publishes `channel.goal.begin`. */
export function beginGoal(
  world: World,
  b: string,
  input: { type: GoalType; description?: string; targetAmount: number; currentAmount?: number },
  origin: ChangeOrigin,
): Row {
  const u = world.user(b);
  const goal: Row = {
    id: world.newId(),
    broadcaster_id: b,
    broadcaster_name: u.display_name,
    broadcaster_login: u.login,
    type: input.type,
    description: input.description ?? '',
    current_amount: input.currentAmount ?? 0,
    target_amount: input.targetAmount,
    created_at: world.now(),
  };
  world.commit(`goals:${b}`, [...world.truth<Row[]>(`goals:${b}`), goal], origin, [
    channelEvent('channel.goal.begin', b, goalEvent(world, b, goal)),
  ]);
  return goal;
}

/** Moves a goal's amount; publishes `channel.goal.progress`. */
export function progressGoal(
  world: World,
  b: string,
  id: string,
  currentAmount: number,
  origin: ChangeOrigin,
): Row | undefined {
  const list = world.truth<Row[]>(`goals:${b}`);
  const goal = list.find((g) => g.id === id);
  if (!goal) return undefined;
  const next = { ...goal, current_amount: currentAmount };
  world.commit(
    `goals:${b}`,
    list.map((g) => (g.id === id ? next : g)),
    origin,
    [channelEvent('channel.goal.progress', b, goalEvent(world, b, next))],
  );
  return next;
}

/** Ends a goal (it leaves the list); publishes `channel.goal.end`. */
export function endGoal(world: World, b: string, id: string, origin: ChangeOrigin): boolean {
  const list = world.truth<Row[]>(`goals:${b}`);
  const goal = list.find((g) => g.id === id);
  if (!goal) return false;
  const extra = { is_achieved: Number(goal.current_amount) >= Number(goal.target_amount), ended_at: world.now() };
  world.commit(
    `goals:${b}`,
    list.filter((g) => g.id !== id),
    origin,
    [channelEvent('channel.goal.end', b, goalEvent(world, b, goal, extra))],
  );
  return true;
}
