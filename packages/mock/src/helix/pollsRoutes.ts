import { type HelixRoute, helixError, type MockRequest } from '../http/route.js';
import { activePoll, endPoll, startPoll } from '../ops/pollOps.js';
import { endPrediction, openPrediction, startPrediction } from '../ops/predictionOps.js';
import type { Row } from '../state/wireTypes.js';
import type { World } from '../state/world.js';
import { bodyOf, mustBe, ok, page, q } from './routeHelpers.js';

function listOf(world: World, kind: 'polls' | 'predictions', req: MockRequest) {
  const b = q(req, 'broadcaster_id');
  const refused = mustBe(req, b, 'broadcaster_id');
  if (refused) return refused;
  let list = world.read<Row[]>(`${kind}:${b}`)?.state ?? [];
  const ids = req.query.getAll('id');
  if (ids.length > 0) list = list.filter((x) => ids.includes(x.id));
  return page(list, req);
}

const isStrings = (v: unknown, min: number, max: number, len: number) =>
  Array.isArray(v) &&
  v.length >= min &&
  v.length <= max &&
  v.every((x) => typeof x === 'string' && x.length > 0 && x.length <= len);

/** polls and predictions: GET (the broadcaster's own), POST (start), PATCH (end, lock, resolve, cancel). */
export function pollsRoutes(world: World): HelixRoute[] {
  return [
    {
      method: 'GET',
      path: '/polls',
      token: 'user',
      scopes: ['channel:read:polls', 'channel:manage:polls'],
      handle: (req) => listOf(world, 'polls', req),
    },
    {
      method: 'POST',
      path: '/polls',
      token: 'user',
      scopes: ['channel:manage:polls'],
      handle(req) {
        const body = bodyOf(req);
        const b = String(body.broadcaster_id);
        const refused = mustBe(req, b, 'broadcaster_id');
        if (refused) return refused;
        const title = String(body.title);
        if (title.length === 0 || title.length > 60) return helixError(400, 'The title must be 1 to 60 characters');
        const choices = (body.choices as Array<{ title?: unknown }>).map((c) => c?.title);
        if (!isStrings(choices, 2, 5, 25))
          return helixError(400, 'A poll needs 2 to 5 choices with titles of 1 to 25 characters');
        const duration = Number(body.duration);
        if (!Number.isInteger(duration) || duration < 15 || duration > 1800)
          return helixError(400, 'The duration must be 15 to 1800 seconds');
        if (activePoll(world, b)) return helixError(400, 'The broadcaster already has an active poll');
        const poll = startPoll(
          world,
          b,
          {
            title,
            choices: choices as string[],
            duration,
            channelPointsVotingEnabled: body.channel_points_voting_enabled as boolean | undefined,
            channelPointsPerVote: body.channel_points_per_vote as number | undefined,
          },
          'api',
        );
        return ok([poll]);
      },
    },
    {
      method: 'PATCH',
      path: '/polls',
      token: 'user',
      scopes: ['channel:manage:polls'],
      handle(req) {
        const body = bodyOf(req);
        const b = String(body.broadcaster_id);
        const refused = mustBe(req, b, 'broadcaster_id');
        if (refused) return refused;
        if (body.status !== 'TERMINATED' && body.status !== 'ARCHIVED')
          return helixError(400, 'The status must be TERMINATED or ARCHIVED');
        const ended = endPoll(world, b, String(body.id), body.status, 'api');
        return ended ? ok([ended]) : helixError(400, 'The poll is not active or does not exist');
      },
    },
    {
      method: 'GET',
      path: '/predictions',
      token: 'user',
      scopes: ['channel:read:predictions', 'channel:manage:predictions'],
      handle: (req) => listOf(world, 'predictions', req),
    },
    {
      method: 'POST',
      path: '/predictions',
      token: 'user',
      scopes: ['channel:manage:predictions'],
      handle(req) {
        const body = bodyOf(req);
        const b = String(body.broadcaster_id);
        const refused = mustBe(req, b, 'broadcaster_id');
        if (refused) return refused;
        const title = String(body.title);
        if (title.length === 0 || title.length > 45) return helixError(400, 'The title must be 1 to 45 characters');
        const outcomes = (body.outcomes as Array<{ title?: unknown }>).map((o) => o?.title);
        if (!isStrings(outcomes, 2, 10, 25))
          return helixError(400, 'A prediction needs 2 to 10 outcomes with titles of 1 to 25 characters');
        const window = Number(body.prediction_window);
        if (!Number.isInteger(window) || window < 30 || window > 1800)
          return helixError(400, 'The prediction_window must be 30 to 1800 seconds');
        if (openPrediction(world, b)) return helixError(400, 'The broadcaster already has an active prediction');
        return ok([
          startPrediction(world, b, { title, outcomes: outcomes as string[], predictionWindow: window }, 'api'),
        ]);
      },
    },
    {
      method: 'PATCH',
      path: '/predictions',
      token: 'user',
      scopes: ['channel:manage:predictions'],
      handle(req) {
        const body = bodyOf(req);
        const b = String(body.broadcaster_id);
        const refused = mustBe(req, b, 'broadcaster_id');
        if (refused) return refused;
        const status = body.status;
        if (status !== 'LOCKED' && status !== 'RESOLVED' && status !== 'CANCELED') {
          return helixError(400, 'The status must be RESOLVED, CANCELED or LOCKED');
        }
        const result = endPrediction(
          world,
          b,
          String(body.id),
          status,
          body.winning_outcome_id as string | undefined,
          'api',
        );
        if (typeof result === 'string') return helixError(result === 'not found' ? 404 : 400, result);
        return ok([result]);
      },
    },
  ];
}
