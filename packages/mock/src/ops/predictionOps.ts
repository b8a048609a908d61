import type { ChangeOrigin } from '../state/versionedStore.js';
import type { Row } from '../state/wireTypes.js';
import type { World } from '../state/world.js';
import { channelEvent } from './channelEvent.js';

const colors = ['BLUE', 'PINK'];

function predictionEvent(world: World, b: string, p: Row, phase: 'begin' | 'lock' | 'end'): Record<string, unknown> {
  const outcomes = (p.outcomes as Row[]).map((o) => ({
    id: o.id,
    title: o.title,
    color: String(o.color).toLowerCase(),
    ...(phase === 'begin' ? {} : { users: o.users, channel_points: o.channel_points, top_predictors: [] }),
  }));
  const base = { id: p.id, ...world.broadcasterFields(b), title: p.title, outcomes, started_at: p.created_at };
  if (phase === 'begin') {
    const locksAt = new Date(Date.parse(String(p.created_at)) + Number(p.prediction_window) * 1000).toISOString();
    return { ...base, locks_at: locksAt };
  }
  if (phase === 'lock') return { ...base, locked_at: p.locked_at };
  return {
    ...base,
    winning_outcome_id: p.winning_outcome_id,
    status: String(p.status).toLowerCase(),
    ended_at: p.ended_at,
  };
}

function notice(world: World, b: string, p: Row, phase: 'begin' | 'lock' | 'end') {
  return channelEvent(`channel.prediction.${phase}`, b, predictionEvent(world, b, p, phase));
}

/** The broadcaster's prediction that is still ACTIVE or LOCKED, if any. */
export function openPrediction(world: World, b: string): Row | undefined {
  return world.truth<Row[]>(`predictions:${b}`).find((p) => p.status === 'ACTIVE' || p.status === 'LOCKED');
}

/** Starts a prediction; publishes `channel.prediction.begin`. */
export function startPrediction(
  world: World,
  b: string,
  input: { title: string; outcomes: string[]; predictionWindow: number },
  origin: ChangeOrigin,
): Row {
  const u = world.user(b);
  const prediction: Row = {
    id: world.newId(),
    broadcaster_id: b,
    broadcaster_name: u.display_name,
    broadcaster_login: u.login,
    title: input.title,
    winning_outcome_id: null,
    outcomes: input.outcomes.map((title, i) => ({
      id: world.newId(),
      title,
      users: 0,
      channel_points: 0,
      top_predictors: null,
      color: colors[i] ?? 'BLUE',
    })),
    prediction_window: input.predictionWindow,
    status: 'ACTIVE',
    created_at: world.now(),
    ended_at: null,
    locked_at: null,
  };
  const list = world.truth<Row[]>(`predictions:${b}`);
  world.commit(`predictions:${b}`, [prediction, ...list], origin, [notice(world, b, prediction, 'begin')]);
  return prediction;
}

/**
 * Moves a prediction to LOCKED, RESOLVED (with a winner) or CANCELED; publishes `.lock` or `.end`.
 * Returns a reason string when the transition is not allowed.
 */
export function endPrediction(
  world: World,
  b: string,
  id: string,
  status: 'LOCKED' | 'RESOLVED' | 'CANCELED',
  winningOutcomeId: string | undefined,
  origin: ChangeOrigin,
): Row | string {
  const list = world.truth<Row[]>(`predictions:${b}`);
  const p = list.find((x) => x.id === id);
  if (!p) return 'not found';
  if (p.status === 'RESOLVED' || p.status === 'CANCELED') return 'The prediction has already ended';
  if (status === 'LOCKED' && p.status !== 'ACTIVE') return 'The prediction is not active';
  if (status === 'RESOLVED' && !(p.outcomes as Row[]).some((o) => o.id === winningOutcomeId)) {
    return 'The winning_outcome_id field is invalid';
  }
  const now = world.now();
  const next: Row =
    status === 'LOCKED'
      ? { ...p, status, locked_at: now }
      : { ...p, status, ended_at: now, winning_outcome_id: status === 'RESOLVED' ? winningOutcomeId : null };
  world.commit(
    `predictions:${b}`,
    list.map((x) => (x.id === id ? next : x)),
    origin,
    [notice(world, b, next, status === 'LOCKED' ? 'lock' : 'end')],
  );
  return next;
}
