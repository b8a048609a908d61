import type { MockServer } from '@twitchify/mock';
import { Client, type ClientOptions, HelixClient, type HelixClientOptions, StaticAuthProvider } from '../src/index.js';

/**
 * A Helix client pointed at the emulator with a static user token of the main broadcaster (every scope), as most
 * tests of the Helix layer need. `options` are added to (or override) the client's options.
 */
export function broadcasterClient(
  mock: MockServer,
  options: Partial<HelixClientOptions> = {},
): { helix: HelixClient; token: string; userId: string } {
  const userId = mock.users[0]!.id;
  const token = mock.createUserToken({ userId }).accessToken;
  const helix = new HelixClient({
    auth: new StaticAuthProvider({ clientId: mock.clientId, accessToken: token, userId }),
    helixBaseUrl: mock.urls.helix,
    oauthBaseUrl: mock.urls.oauth,
    ...options,
  });
  return { helix, token, userId };
}

/** A Client on the emulator's URLs (not started). */
export function emulatorClient(mock: MockServer, extra: Partial<ClientOptions> = {}): Client {
  return new Client({
    clientId: mock.clientId,
    urls: { helix: mock.urls.helix, oauth: mock.urls.oauth, eventsubWs: mock.urls.eventsubWs },
    ...extra,
  });
}

/** Waits until `fn` returns a truthy value, and returns it (no timed assertion: the test's timeout bounds it). */
export async function until<T>(fn: () => T | Promise<T>, stepMs = 10): Promise<T> {
  for (;;) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
