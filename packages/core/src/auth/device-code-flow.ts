import type { Dispatcher } from 'undici';
import { AbortError, AuthError, ConfigurationError } from '../errors.js';
import { sleep } from '../http/sleep.js';
import { type AuthorizedUser, toAuthorizedUser } from './authorization-code-flow.js';
import { OAuthClient } from './oauth-client.js';

/** What the user must see to authorize a device. */
export interface DeviceCodePrompt {
  /** The code the user types. */
  userCode: string;
  /** Where the user goes (Twitch's activate page, with the code filled in). */
  verificationUri: string;
  /** When the code expires, ms since epoch. */
  expiresAt: number;
}

/** Options of {@link authorizeWithDeviceCode}. */
export interface DeviceCodeFlowOptions {
  /** The app's client id (a public client: no secret needed). */
  clientId: string;
  /** Scopes to ask for. */
  scopes: readonly string[];
  /** Default `https://id.twitch.tv/oauth2`. */
  oauthBaseUrl?: string | undefined;
  /** The undici dispatcher of OAuth requests. Default: a keep-alive Agent of its own. */
  dispatcher?: Dispatcher | undefined;
  /** Called once with the code and URI to show the user; default: prints them to stdout. */
  onPrompt?: ((prompt: DeviceCodePrompt) => void) | undefined;
  /** Aborts the flow (polling stops). */
  signal?: AbortSignal | undefined;
  /** ms since epoch (default `Date.now`). */
  now?: (() => number) | undefined;
}

/**
 * The device code flow (for apps without a browser or a callback): hands out the verification URI and user code,
 * then polls Twitch at the interval it asks (slowing down when told) until the user grants access (resolves with
 * the tokens), denies it or the code expires (rejects with `AuthError`).
 */
export async function authorizeWithDeviceCode(options: DeviceCodeFlowOptions): Promise<AuthorizedUser> {
  if (!options.clientId) throw new ConfigurationError('authorizeWithDeviceCode: `clientId` is required');
  const now = options.now ?? Date.now;
  const oauth = new OAuthClient({
    clientId: options.clientId,
    oauthBaseUrl: options.oauthBaseUrl,
    dispatcher: options.dispatcher,
  });
  try {
    const device = await oauth.deviceCode(options.scopes, options.signal);
    const expiresAt = now() + device.expires_in * 1000;
    const prompt: DeviceCodePrompt = {
      userCode: device.user_code,
      verificationUri: device.verification_uri,
      expiresAt,
    };
    const show =
      options.onPrompt ??
      ((p: DeviceCodePrompt) => process.stdout.write(`Go to ${p.verificationUri} and enter the code ${p.userCode}\n`));
    show(prompt);
    let intervalMs = Math.max(device.interval, 1) * 1000;
    for (;;) {
      await sleep(intervalMs, options.signal, () => new AbortError('device code flow'));
      if (now() >= expiresAt) throw new AuthError('the device code expired before the user authorized it');
      const answer = await oauth.pollDeviceCode(device.device_code, options.scopes, options.signal);
      if ('accessToken' in answer) return await toAuthorizedUser(oauth, answer, options.signal);
      if (answer.message === 'authorization_pending') continue;
      if (answer.message === 'slow_down') {
        intervalMs += 5000;
        continue;
      }
      throw new AuthError(`device authorization failed: ${answer.message}`, { status: answer.status });
    }
  } finally {
    await oauth.close();
  }
}
