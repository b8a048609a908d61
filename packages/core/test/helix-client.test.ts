import { type MockServer, startMock } from '@twitchify/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HelixClient, TwitchifyError, ValidationError } from '../src/index.js';
import { broadcasterClient } from './support.js';

let mock: MockServer;
let helix: HelixClient;

beforeAll(async () => {
  mock = await startMock({ port: 0, seed: 1, lag: false });
  ({ helix } = broadcasterClient(mock));
});

afterAll(async () => {
  await helix?.close();
  await mock?.stop();
});

describe('HelixClient against the emulator', () => {
  it('reads users and channels as typed camelCase results', async () => {
    const users = await helix.users.getUsers({ id: [mock.users[0]!.id, mock.users[1]!.id] });
    expect(users.data.map((u) => u.id).sort()).toEqual([mock.users[0]!.id, mock.users[1]!.id].sort());
    expect(users.data[0]!.displayName).toBeTypeOf('string');
    const channels = await helix.channels.getChannelInformation({ broadcasterId: mock.users[0]!.id });
    expect(channels.data[0]!.broadcasterId).toBe(mock.users[0]!.id);
    expect(channels.data[0]).not.toHaveProperty('broadcaster_id');
  });

  it('refuses a missing required argument before any request, naming it', async () => {
    mock.clearRequests();
    const error = await helix.channels
      // @ts-expect-error: broadcasterId is required
      .getChannelInformation({})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toBeInstanceOf(TwitchifyError);
    expect((error as ValidationError).field).toBe('broadcasterId');
    expect((error as ValidationError).source).toBe('argument');
    expect(mock.requests().filter((r) => r.path.includes('/channels'))).toHaveLength(0);
  });
});
