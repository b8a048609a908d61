/**
 * `client.run()` with no tokens: the authorization code flow (a callback server, `authCallback`; needs the client
 * secret) or, for public apps with no secret, the device code flow. Both are the auth package's; this picks one,
 * asks for the scopes the Client needs, and turns their prompts into the Client's `authorize` and `code` events.
 */
import { authorizeWithLocalServer } from '../auth/authorization-code-flow.js';
import { authorizeWithDeviceCode } from '../auth/device-code-flow.js';
import type { OAuthClient } from '../auth/oauth-client.js';
import { CATALOG } from '../catalog/entries.js';
import { type ResolvedAuthCallback, resolveAuthCallback } from './auth-callback.js';
import type { AuthTokens, ClientLifecycleEvents } from './events.js';
import type { ClientOptions } from './options.js';
import { CHAT_SCOPES, requiredScopes } from './subscription-scopes.js';

/**
 * The scopes the built-in flow asks for by default: every scope the catalog's reads and feeds can use (so every
 * read is event-covered), the scopes of the subscription types the app has handlers for (`channel.cheer` →
 * `bits:read`), and chat's, so that the bot can send messages. An entry met by a scope already asked for (Twitch
 * accepts either `channel:read:polls` or `channel:manage:polls`) adds nothing.
 */
export function defaultScopes(handlerTypes: Iterable<string> = []): string[] {
  const scopes = new Set<string>();
  for (const e of CATALOG) {
    if (e.readScopes[0]) scopes.add(e.readScopes[0]);
    for (const f of e.feeds) if (f.scopes[0]) scopes.add(f.scopes[0]);
    for (const w of e.writes) if (w.operation.startsWith('PATCH /channels')) scopes.add('channel:manage:broadcast');
  }
  for (const type of handlerTypes) {
    for (const entry of requiredScopes(type)) {
      if (entry[0] && !entry.some((s) => scopes.has(s))) scopes.add(entry[0]);
    }
  }
  for (const s of CHAT_SCOPES) scopes.add(s);
  return [...scopes].sort();
}

/** The callback as `authorizeWithLocalServer` takes it. */
function callbackOptions(c: ResolvedAuthCallback) {
  return { host: c.host, port: c.port, callbackPath: c.path, redirectUri: c.redirectUri };
}

export async function runBuiltInFlow(args: {
  oauth: OAuthClient;
  options: ClientOptions;
  emit: <K extends keyof ClientLifecycleEvents>(event: K, ...a: Parameters<ClientLifecycleEvents[K]>) => void;
  has: (event: keyof ClientLifecycleEvents) => boolean;
  /** The subscription types the app has handlers for. */
  handlerTypes: readonly string[];
}): Promise<AuthTokens> {
  const o = args.options;
  const scopes = o.scopes ?? defaultScopes(args.handlerTypes);
  const user = o.clientSecret
    ? await authorizeWithLocalServer({
        clientId: o.clientId,
        clientSecret: o.clientSecret,
        scopes,
        oauthBaseUrl: o.urls?.oauth,
        dispatcher: o.dispatcher,
        ...callbackOptions(resolveAuthCallback(o.authCallback, o.authPort)),
        // Without an `authorize` handler the flow prints the URL itself (the app has to show it somehow).
        ...(args.has('authorize') ? { onAuthorizeUrl: (url: string) => args.emit('authorize', url) } : {}),
      })
    : await authorizeWithDeviceCode({
        clientId: o.clientId,
        scopes,
        oauthBaseUrl: o.urls?.oauth,
        dispatcher: o.dispatcher,
        ...(args.has('code')
          ? {
              onPrompt: (p: { verificationUri: string; userCode: string; expiresAt: number }) =>
                args.emit('code', {
                  verificationUri: p.verificationUri,
                  userCode: p.userCode,
                  expiresIn: Math.max(0, Math.round((p.expiresAt - Date.now()) / 1000)),
                }),
            }
          : {}),
      });
  return {
    accessToken: user.accessToken,
    refreshToken: user.refreshToken,
    expiresIn: user.expiresIn,
    scopes: user.scopes,
    userId: user.userId,
  };
}
