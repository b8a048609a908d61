/** Shared helpers for the package's tests: an emulator, a user API, and waiting for conditions. */

import {
  createEventSubApi,
  type EventSubApi,
  EventSubWebSocketListener,
  type EventSubWebSocketListenerOptions,
} from '@twitchify/eventsub';
import { type MockServer, startMock } from '@twitchify/mock';
import { afterEach, beforeEach } from 'vitest';

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

/** What {@link emulatorPerTest} hands a test file. */
export interface TestEnv {
  /** The emulator of the running test. */
  readonly mock: MockServer;
  /** Registers something to stop after the test (before the emulator stops). */
  onStop(stop: () => Promise<void>): void;
  /** A WebSocket listener for the main broadcaster with quick backoffs, stopped after the test. */
  listener(extra?: Partial<EventSubWebSocketListenerOptions>): EventSubWebSocketListener;
}

/**
 * A fresh emulator for each test, and after each test everything it registered stopped, then the emulator. Call it
 * at the top of a file or of a `describe`.
 */
export function emulatorPerTest(options: Parameters<typeof startMock>[0] = {}): TestEnv {
  let mock: MockServer | undefined;
  const stops: Array<() => Promise<void>> = [];
  beforeEach(async () => {
    mock = await emulator(options);
  });
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
    await mock?.stop();
    mock = undefined;
  });
  const env: TestEnv = {
    get mock() {
      if (!mock) throw new Error('the emulator runs only during a test');
      return mock;
    },
    onStop: (stop) => {
      stops.push(stop);
    },
    listener(extra = {}) {
      const l = new EventSubWebSocketListener({
        api: userApi(env.mock),
        url: env.mock.urls.eventsubWs,
        keepaliveTimeoutSeconds: 10,
        reconnectStrategy: fastBackoff,
        retryStrategy: fastBackoff,
        ...extra,
      });
      stops.push(() => l.stop());
      return l;
    },
  };
  return env;
}
