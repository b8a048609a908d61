import type { ChangeOrigin } from '../state/versionedStore.js';
import type { Row } from '../state/wireTypes.js';
import type { World } from '../state/world.js';
import { channelEvent } from './channelEvent.js';

/** A poll to start. */
export interface PollInput {
  title: string;
  choices: string[];
  duration: number;
  channelPointsVotingEnabled?: boolean;
  channelPointsPerVote?: number;
}

function pollEvent(world: World, b: string, p: Row, ended: boolean): Record<string, unknown> {
  const choices = (p.choices as Row[]).map((c) =>
    ended
      ? {
          id: c.id,
          title: c.title,
          bits_votes: c.bits_votes,
          channel_points_votes: c.channel_points_votes,
          votes: c.votes,
        }
      : { id: c.id, title: c.title },
  );
  const startedAt = String(p.started_at);
  return {
    id: p.id,
    ...world.broadcasterFields(b),
    title: p.title,
    choices,
    bits_voting: { is_enabled: false, amount_per_vote: 0 },
    channel_points_voting: { is_enabled: p.channel_points_voting_enabled, amount_per_vote: p.channel_points_per_vote },
    ...(ended
      ? { status: String(p.status).toLowerCase(), started_at: startedAt, ended_at: p.ended_at }
      : { started_at: startedAt, ends_at: new Date(Date.parse(startedAt) + Number(p.duration) * 1000).toISOString() }),
  };
}

/** The broadcaster's active poll, if any. */
export function activePoll(world: World, b: string): Row | undefined {
  return world.truth<Row[]>(`polls:${b}`).find((p) => p.status === 'ACTIVE');
}

/** Starts a poll (newest first); publishes `channel.poll.begin`. */
export function startPoll(world: World, b: string, input: PollInput, origin: ChangeOrigin): Row {
  const u = world.user(b);
  const poll: Row = {
    id: world.newId(),
    broadcaster_id: b,
    broadcaster_name: u.display_name,
    broadcaster_login: u.login,
    title: input.title,
    choices: input.choices.map((title) => ({
      id: world.newId(),
      title,
      votes: 0,
      channel_points_votes: 0,
      bits_votes: 0,
    })),
    bits_voting_enabled: false,
    bits_per_vote: 0,
    channel_points_voting_enabled: input.channelPointsVotingEnabled ?? false,
    channel_points_per_vote: input.channelPointsPerVote ?? 0,
    status: 'ACTIVE',
    duration: input.duration,
    started_at: world.now(),
    ended_at: null,
  };
  const list = world.truth<Row[]>(`polls:${b}`);
  world.commit(`polls:${b}`, [poll, ...list], origin, [
    channelEvent('channel.poll.begin', b, pollEvent(world, b, poll, false)),
  ]);
  return poll;
}

/** Ends a poll (TERMINATED or ARCHIVED); publishes `channel.poll.end`. Undefined when no such active poll. */
export function endPoll(world: World, b: string, id: string, status: string, origin: ChangeOrigin): Row | undefined {
  const list = world.truth<Row[]>(`polls:${b}`);
  const poll = list.find((p) => p.id === id);
  if (!poll || (poll.status !== 'ACTIVE' && status === 'TERMINATED')) return undefined;
  const ended: Row = { ...poll, status, ended_at: poll.ended_at ?? world.now() };
  world.commit(
    `polls:${b}`,
    list.map((p) => (p.id === id ? ended : p)),
    origin,
    [channelEvent('channel.poll.end', b, pollEvent(world, b, ended, true))],
  );
  return ended;
}
