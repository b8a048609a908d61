/**
 * Calls the Client's state does not allow are refused with a typed `ClientStateError` that names the state, and the
 * Client stays usable: the running one keeps serving after a refused second `run()`.
 */
import { type MockServer, startMock } from '@twitchify/mock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type Client, ClientStateError, TwitchifyError } from '../src/index.js';
import { emulatorClient } from './support.js';

let mock: MockServer;
let client: Client;

beforeEach(async () => {
  mock = await startMock({ port: 0, seed: 11 });
  client = emulatorClient(mock);
});

afterEach(async () => {
  await client.close();
  await mock.stop();
});

function refusal(fn: () => unknown): ClientStateError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ClientStateError);
    expect(error).toBeInstanceOf(TwitchifyError);
    return error as ClientStateError;
  }
  throw new Error('expected a ClientStateError');
}

it('before run(): client.user and client.helix are refused, naming the idle state', () => {
  const user = refusal(() => client.user);
  expect(user.code).toBe('TWITCHIFY_CLIENT_NOT_READY');
  expect(user.state).toBe('idle');
  const helix = refusal(() => client.helix);
  expect(helix.code).toBe('TWITCHIFY_CLIENT_NOT_RUNNING');
});

it('a second run() is refused and the running client keeps serving; after close() calls are refused', async () => {
  const broadcaster = mock.users[0]!;
  const token = mock.createUserToken({ userId: broadcaster.id });
  await client.run({ accessToken: token.accessToken });
  const second = await client.run({ accessToken: token.accessToken }).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(second).toBeInstanceOf(ClientStateError);
  expect((second as ClientStateError).code).toBe('TWITCHIFY_CLIENT_STATE');
  expect((second as ClientStateError).state).toBe('running');
  expect((await client.channels.get(broadcaster.id))?.broadcasterId).toBe(broadcaster.id);
  await client.close();
  expect(refusal(() => client.helix).state).toBe('closed');
});
