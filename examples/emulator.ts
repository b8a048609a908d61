/**
 * Shared by the examples: starts the Twitch emulator in this process (so every example runs with one command and
 * no Twitch account) and plays the user's browser for the authorization code flow.
 */
import { startMock } from '@twitchify/mock';

export async function startEmulator() {
  const mock = await startMock({ port: 0, seed: 1 });
  const urls = { helix: mock.urls.helix, oauth: mock.urls.oauth, eventsubWs: mock.urls.eventsubWs };
  return { mock, urls };
}

/** What the user would do in a browser: open the authorize URL and let Twitch redirect to the callback. */
export async function playBrowser(url: string): Promise<void> {
  const authorize = await fetch(url, { redirect: 'manual' });
  const location = authorize.headers.get('location');
  if (location) await fetch(location);
}
