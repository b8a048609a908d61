import { isResponse } from '../http/pagination.js';
import { type HelixRoute, helixError, type MockRequest } from '../http/route.js';
import { activePoll, endPoll, startPoll } from '../ops/pollOps.js';
import { endPrediction, openPrediction, startPrediction } from '../ops/predictionOps.js';
import type { Row } from '../state/wireTypes.js';
import type { World } from '../state/world.js';
import { bodyOf, filterBy, ok, ownerOf, page } from './routeHelpers.js';

function listOf(world: World, kind: 'polls' | 'predictions', req: MockRequest) {
  const { b, refused } = ownerOf(req);
  if (refused) return refused;
  return page(filterBy(world.read<Row[]>(`${kind}:${b}`)?.state ?? [], req), req);
}

/** Bounds Twitch sets on a new poll or prediction: title length, number of choices, how long it runs. */
interface StartRules {
  noun: 'poll' | 'prediction';
  titleMax: number;
  /** Body field holding the choices (`choices` of a poll, `outcomes` of a prediction). */
  choicesField: string;
  choicesMax: number;
  /** Body field holding the seconds it runs, and its bounds. */
  durationField: string;
  durationMin: number;
}

/** The checks shared by POST /polls and POST /predictions: the broadcaster's token, then the bounds. */
function checkStart(req: MockRequest, rules: StartRules) {
  const { b, refused } = ownerOf(req, 'body');
  if (refused) return refused;
  const body = bodyOf(req);
  const title = String(body.title);
  if (title.length === 0 || title.length > rules.titleMax)
    return helixError(400, `The title must be 1 to ${rules.titleMax} characters`);
  const choices = (body[rules.choicesField] as Array<{ title?: unknown }>).map((c) => c?.title);
  if (!isStrings(choices, 2, rules.choicesMax, 25)) {
    const what = `2 to ${rules.choicesMax} ${rules.choicesField}`;
    return helixError(400, `A ${rules.noun} needs ${what} with titles of 1 to 25 characters`);
  }
  const duration = Number(body[rules.durationField]);
  if (!Number.isInteger(duration) || duration < rules.durationMin || duration > 1800) {
    return helixError(400, `The ${rules.durationField} must be ${rules.durationMin} to 1800 seconds`);
  }
  return { b, body, title, choices: choices as string[], duration };
}

const POLL: StartRules = {
  noun: 'poll',
  titleMax: 60,
  choicesField: 'choices',
  choicesMax: 5,
  durationField: 'duration',
  durationMin: 15,
};
const PREDICTION: StartRules = {
  noun: 'prediction',
  titleMax: 45,
  choicesField: 'outcomes',
  choicesMax: 10,
  durationField: 'prediction_window',
  durationMin: 30,
};

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
        const checked = checkStart(req, POLL);
        if (isResponse(checked)) return checked;
        const { b, body, title, choices, duration } = checked;
        if (activePoll(world, b)) return helixError(400, 'The broadcaster already has an active poll');
        const poll = startPoll(
          world,
          b,
          {
            title,
            choices,
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
        const { b, refused } = ownerOf(req, 'body');
        if (refused) return refused;
        const body = bodyOf(req);
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
        const checked = checkStart(req, PREDICTION);
        if (isResponse(checked)) return checked;
        const { b, title, choices, duration } = checked;
        if (openPrediction(world, b)) return helixError(400, 'The broadcaster already has an active prediction');
        return ok([startPrediction(world, b, { title, outcomes: choices, predictionWindow: duration }, 'api')]);
      },
    },
    {
      method: 'PATCH',
      path: '/predictions',
      token: 'user',
      scopes: ['channel:manage:predictions'],
      handle(req) {
        const { b, refused } = ownerOf(req, 'body');
        if (refused) return refused;
        const body = bodyOf(req);
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
