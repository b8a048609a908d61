/**
 * Creates that Twitch refuses for good (403 missing authorization, 400 bad condition) are reported, not retried; a
 * refusal is reported once its session has outlived the answer by a second (Twitch also answers 400 for a session
 * that has just died, and that is no refusal).
 */

import {
  type CoverageEvent,
  createEventSubApi,
  EventSubApiError,
  type EventSubError,
  EventSubWebSocketListener,
} from '@twitchify/eventsub';
import { expect, it } from 'vitest';
import { emulatorPerTest, fastBackoff, until } from './support.js';

const env = emulatorPerTest();

/** A listener whose token lacks `moderator:read:followers`, counting how often it asks to retry creates. */
function listener() {
  const b = env.mock.users[0]!.id;
  const token = env.mock.createUserToken({ userId: b, scopes: ['channel:moderate'] }).accessToken;
  const api = createEventSubApi({ clientId: env.mock.clientId, token: () => token, baseUrl: env.mock.urls.helix });
  const retries: number[] = [];
  const l = new EventSubWebSocketListener({
    api,
    url: env.mock.urls.eventsubWs,
    reconnectStrategy: fastBackoff,
    retryStrategy: (attempt) => {
      retries.push(attempt);
      return fastBackoff(attempt);
    },
  });
  env.onStop(() => l.stop());
  const errors: EventSubError[] = [];
  const coverage: CoverageEvent[] = [];
  l.onError((e) => errors.push(e));
  l.onCoverage((e) => coverage.push(e));
  return { l, b, retries, errors, coverage };
}

const refusedDetail = (events: CoverageEvent[], type: string) =>
  events.flatMap((e) => (e.type === 'uncovered' && e.spec.type === type && e.reason === 'create-failed' ? [e] : []));

it('reports a 403 refusal as uncovered with its status, surfaces the error, and never retries it', async () => {
  const { l, b, retries, errors, coverage } = listener();
  l.add({ type: 'channel.follow', version: '2', condition: { broadcaster_user_id: b, moderator_user_id: b } });
  l.add({ type: 'channel.ban', version: '1', condition: { broadcaster_user_id: b } });
  // start() resolves once the first reconcile is done, after its failures were handled (and any retry scheduled).
  await l.start();
  expect(l.active().map((s) => s.type)).toEqual(['channel.ban']);
  await until('the refusal reported', () => refusedDetail(coverage, 'channel.follow').length > 0);
  const refused = refusedDetail(coverage, 'channel.follow');
  expect(refused).toHaveLength(1);
  expect(refused[0]?.detail).toMatch(/answered 403: subscription missing proper authorization/);
  const apiErrors = errors.filter((e): e is EventSubApiError => e instanceof EventSubApiError);
  expect(apiErrors.map((e) => [e.status, e.permanent])).toEqual([[403, true]]);
  expect(retries).toEqual([]);

  // A later successful create on the same session (which runs the retry path) does not re-ask for the refused one.
  l.add({ type: 'channel.unban', version: '1', condition: { broadcaster_user_id: b } });
  await until('unban active', () => l.active().length === 2);
  const posts = env.mock.requests().filter((r) => r.method === 'POST' && r.path.endsWith('/eventsub/subscriptions'));
  expect(posts.filter((r) => r.status === 403)).toHaveLength(1);
  expect(retries).toEqual([]);
});

it('reports a 400 refusal (missing condition field) with "answered 400" and does not retry it', async () => {
  const { l, b, retries, coverage } = listener();
  l.add({ type: 'channel.ban', version: '1', condition: { broadcaster_user_id: b } });
  l.add({ type: 'channel.follow', version: '2', condition: { broadcaster_user_id: b } });
  await l.start();
  await until('the refusal reported', () => refusedDetail(coverage, 'channel.follow').length > 0);
  const refused = refusedDetail(coverage, 'channel.follow');
  expect(refused[0]?.detail).toMatch(/answered 400: .*moderator_user_id/);
  expect(retries).toEqual([]);
});

it('still retries a 503 with backoff', async () => {
  const { l, b, retries, coverage } = listener();
  env.mock.faults.inject({ path: '/eventsub/subscriptions', method: 'POST', status: 503, times: 1 });
  l.add({ type: 'channel.ban', version: '1', condition: { broadcaster_user_id: b } });
  await l.start();
  await until('ban active after a retry', () => l.active().length === 1);
  expect(retries).toEqual([1]);
  expect(refusedDetail(coverage, 'channel.ban')[0]?.detail).toMatch(/answered 503/);
});

it('a 400 on a session that dies right after is no refusal: the next session creates the subscription', async () => {
  const { l, b, errors, coverage } = listener();
  // Twitch answers the create 400 (its session is gone), and the socket's close reaches us just after the answer.
  env.mock.faults.inject({ path: '/eventsub/subscriptions', method: 'POST', status: 400, times: 1 });
  l.add({ type: 'channel.ban', version: '1', condition: { broadcaster_user_id: b } });
  await l.start();
  expect(l.active()).toEqual([]);
  env.mock.eventsub.dropSocket();
  await until('ban active on the next session', () => l.active().length === 1);
  // well past the confirmation delay: never reported as refused
  await new Promise((r) => setTimeout(r, 1_200));
  expect(refusedDetail(coverage, 'channel.ban').filter((e) => /answered 400/.test(e.detail ?? ''))).toEqual([]);
  expect(errors.filter((e) => e instanceof EventSubApiError)).toEqual([]);
  expect(l.active().map((s) => s.type)).toEqual(['channel.ban']);
});
