/**
 * Chat from a handler: `client.chat.say` and `reply` send as the Client's user through the emulator's Send Chat
 * Message, which publishes `channel.chat.message`; bad arguments are refused before any request.
 */
import { type MockServer, startMock } from '@twitchify/mock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { AuthError, type Client, ValidationError } from '../src/index.js';
import { emulatorClient, until } from './support.js';

let mock: MockServer;
let client: Client;

beforeEach(async () => {
  mock = await startMock({ port: 0, seed: 9 });
  client = emulatorClient(mock, { logLevel: 'silent' });
});

afterEach(async () => {
  await client.close();
  await mock.stop();
});

it('a chat handler replies in the thread of the message it got', async () => {
  const me = mock.users[0]!;
  const viewer = mock.users[3]!;
  client.on('channel.chat.message', async (m) => {
    if (m.chatterUserId === viewer.id) await client.chat.reply(m, `hi ${m.chatterUserName}`);
  });
  await client.run({ accessToken: mock.createUserToken({ userId: me.id }).accessToken });
  const asked = mock.external.chat(me.id, viewer.id, 'hello bot');
  const answer = await until(() => mock.chatMessages(me.id).find((l) => l.chatter_user_id === me.id));
  expect(answer?.text).toBe(`hi ${viewer.displayName}`);
  expect(answer?.reply_parent_message_id).toBe(asked.message_id);
  const sent = await client.chat.say(me.id, 'second');
  expect(mock.chatMessages(me.id).at(-1)?.message_id).toBe(sent.messageId);
});

it('refuses an empty or oversized message before any request; Twitch refuses a token without user:write:chat', async () => {
  const me = mock.users[0]!;
  await client.run({
    accessToken: mock.createUserToken({ userId: me.id, scopes: ['user:read:chat'] }).accessToken,
  });
  await expect(client.chat.say(me.id, '')).rejects.toThrow(ValidationError);
  await expect(client.chat.say(me.id, 'x'.repeat(501))).rejects.toThrow(ValidationError);
  await expect(client.chat.say('not an id!', 'hi')).rejects.toThrow(ValidationError);
  const refused = await client.chat.say(me.id, 'hi').catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(AuthError);
  expect((refused as Error).message).toMatch(/scope/);
  expect(mock.chatMessages(me.id)).toEqual([]);
});
