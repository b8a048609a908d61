/**
 * Message timestamps: Twitch writes them with nanoseconds, and changes are ordered by them. Two changes committed
 * within one millisecond keep their order in the timestamps, and every subscriber of a change gets the same one.
 */
import { type MockServer, startMock } from '@twitchify/mock';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { eventSocket, waitFor } from './helpers.js';

interface Frame {
  metadata: { message_type: string; message_timestamp: string };
  payload: { session?: { id: string }; event?: { title?: string } };
}

let mock: MockServer;
let now = Date.parse('2026-11-27T05:00:00.000Z') + 0.25;
const sockets: WebSocket[] = [];
const frames: Frame[][] = [];

beforeAll(async () => {
  mock = await startMock({
    port: 0,
    seed: 3,
    lag: 0,
    clock: { now: () => now },
    events: { delayMs: { min: 0, max: 0 } },
  });
  const b = mock.users[0]!.id;
  for (const i of [0, 1]) {
    const socket = await eventSocket(mock);
    sockets.push(socket.ws);
    frames.push(socket.frames);
    const token = mock.createUserToken({ userId: mock.users[i]!.id }).accessToken;
    expect(await socket.subscribe(token, 'channel.update', '2', { broadcaster_user_id: b })).toBe(202);
  }
});

afterAll(async () => {
  for (const ws of sockets) ws.close();
  await mock.stop();
});

it('stamps changes within one millisecond in order, to the microsecond, the same for every subscriber', async () => {
  const b = mock.users[0]!.id;
  mock.external.updateChannel(b, { title: 'first' });
  now += 0.5; // the same millisecond
  mock.external.updateChannel(b, { title: 'second' });
  const stamps = await Promise.all(
    frames.map((received) =>
      waitFor(() => {
        const n = received.filter((f) => f.metadata.message_type === 'notification');
        return n.length === 2 ? n.map((f) => [f.payload.event?.title, f.metadata.message_timestamp]) : undefined;
      }),
    ),
  );
  for (const s of stamps) {
    const byTitle = Object.fromEntries(s);
    expect(byTitle.first).toBe('2026-11-27T05:00:00.000250000Z');
    expect(byTitle.second).toBe('2026-11-27T05:00:00.000750000Z');
  }
  expect(stamps[0]).toEqual(stamps[1]);
});
