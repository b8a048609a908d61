/** Shared helpers for the package's tests: an emulator, a user API, and waiting for conditions. */

import { createEventSubApi, type EventSubApi } from '@twitchify/eventsub';
import { type MockServer, startMock } from '@twitchify/mock';

export async function emulator(options: Parameters<typeof startMock>[0] = {}): Promise<MockServer> {
  return startMock({ port: 0, seed: 7, lag: 0, ...options });
}

/** An API authenticated as `userId` (default: the main broadcaster) with all scopes. */
export function userApi(mock: MockServer, userId = mock.users[0]!.id): EventSubApi {
  const token = mock.createUserToken({ userId }).accessToken;
  return createEventSubApi({ clientId: mock.clientId, token: () => token, baseUrl: mock.urls.helix });
}

export function appApi(mock: MockServer): EventSubApi {
  return createEventSubApi({ clientId: mock.clientId, token: () => mock.appToken, baseUrl: mock.urls.helix });
}

/** Polls `check` until it returns true; fails with `what` after `timeoutMs`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Reconnect quickly in tests (the default backoff starts at 500 ms). */
export const fastBackoff = (attempt: number) => Math.min(50 * attempt, 500);
