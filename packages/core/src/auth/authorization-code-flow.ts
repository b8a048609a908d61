import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Dispatcher } from 'undici';
import { AbortError, AuthError, ConfigurationError, TimeoutError } from '../errors.js';
import { hideSecretsFromInspect } from './auth-provider.js';
import { type IssuedToken, OAuthClient } from './oauth-client.js';

/** Options of {@link authorizeWithLocalServer}. */
export interface AuthorizationCodeFlowOptions {
  /** The app's client id. */
  clientId: string;
  /** The app's client secret: the code is exchanged with it. */
  clientSecret: string;
  /** Scopes to ask the user for. */
  scopes: readonly string[];
  /** Default `https://id.twitch.tv/oauth2`. */
  oauthBaseUrl?: string | undefined;
  /** The undici dispatcher of OAuth requests. Default: a keep-alive Agent of its own. */
  dispatcher?: Dispatcher | undefined;
  /** Address the callback server listens on (default `'127.0.0.1'`: only this machine can reach it). */
  host?: string | undefined;
  /** Port of the callback server (default 3000; 0 picks a free one). Must match the app's redirect URI. */
  port?: number | undefined;
  /** Path of the callback (default: the path of `redirectUri` if given, else `/callback`). */
  callbackPath?: string | undefined;
  /**
   * The redirect URI sent to Twitch, exactly as registered for the app. Default `http://<host>:<port><callbackPath>`
   * (the port the server got, when `port` is 0); give it when a tunnel or a reverse proxy stands in front.
   */
  redirectUri?: string | undefined;
  /** Ask Twitch to show the consent page even if the user already agreed (default false). */
  forceVerify?: boolean | undefined;
  /**
   * Called with the URL the user must visit; default: prints it to stdout. Use it to open a browser, or (in tests)
   * to follow the URL.
   */
  onAuthorizeUrl?: ((url: string) => void) | undefined;
  /** Give up after this long, in ms (default 5 minutes). */
  timeoutMs?: number | undefined;
  /** Aborts the flow (the callback server is closed). */
  signal?: AbortSignal | undefined;
}

/** The tokens the flow hands out, with the user they belong to. */
export interface AuthorizedUser extends IssuedToken {
  /** The id of the user who authorized the app. */
  userId: string;
  /** That user's login, as `/validate` names it. */
  login: string | undefined;
  /** The refresh token (both flows always hand one out). */
  refreshToken: string;
}

/**
 * The end of both flows: a user token must come with a refresh token, and validating it names its user. The
 * result prints its tokens as `***`.
 */
export async function toAuthorizedUser(
  oauth: OAuthClient,
  issued: IssuedToken,
  signal: AbortSignal | undefined,
): Promise<AuthorizedUser> {
  if (!issued.refreshToken) throw new AuthError('the token answer carried no refresh token');
  const info = await oauth.validate(issued.accessToken, signal);
  if (!info?.userId) throw new AuthError('the issued token did not validate as a user token');
  const result: AuthorizedUser = {
    ...issued,
    refreshToken: issued.refreshToken,
    userId: info.userId,
    login: info.login,
  };
  return hideSecretsFromInspect(result, ['accessToken', 'refreshToken']);
}

const page = (text: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>Twitchify</title></head><body><p>${text}</p></body></html>`;

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The authorization code flow with a callback server (on 127.0.0.1:3000/callback unless told otherwise): prints (or hands to `onAuthorizeUrl`)
 * the URL to visit, waits for Twitch's redirect, checks `state`, exchanges the code and resolves with the access
 * and refresh tokens and the user they belong to. Callbacks with another `state` are answered 400 and ignored. The
 * server is closed whatever the outcome.
 */
export async function authorizeWithLocalServer(options: AuthorizationCodeFlowOptions): Promise<AuthorizedUser> {
  if (!options.clientId || !options.clientSecret) {
    throw new ConfigurationError('authorizeWithLocalServer: `clientId` and `clientSecret` are required');
  }
  const callbackPath =
    options.callbackPath ?? (options.redirectUri ? new URL(options.redirectUri).pathname : '/callback');
  const host = options.host ?? '127.0.0.1';
  const timeoutMs = options.timeoutMs ?? 300_000;
  const oauth = new OAuthClient({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    oauthBaseUrl: options.oauthBaseUrl,
    dispatcher: options.dispatcher,
  });
  const state = randomBytes(24).toString('base64url');
  let settle: { resolve: (v: { code: string }) => void; reject: (e: Error) => void } | undefined;
  const callback = new Promise<{ code: string }>((resolve, reject) => {
    settle = { resolve, reject };
  });

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== callbackPath) {
      res.writeHead(404, { 'content-type': 'text/html' }).end(page('Not found.'));
      return;
    }
    const error = url.searchParams.get('error');
    const code = url.searchParams.get('code');
    const gotState = url.searchParams.get('state') ?? '';
    // Anyone on the machine can reach the callback: a request without our `state` is refused and changes
    // nothing, so the flow goes on waiting for Twitch's redirect (a forged `error` cannot cancel the login).
    if (!sameText(gotState, state)) {
      res.writeHead(400, { 'content-type': 'text/html' }).end(page('The state does not match: request refused.'));
      return;
    }
    if (error || !code) {
      res.writeHead(400, { 'content-type': 'text/html' }).end(page('Authorization was denied.'));
      settle?.reject(new AuthError(`authorization denied${error ? `: ${error}` : ''}`));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end(page('Authorized. You can close this window.'));
    settle?.resolve({ code });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) =>
      reject(
        new AuthError(`could not start the callback server on ${host}:${options.port ?? 3000}: ${e.message}`, {
          cause: e,
        }),
      ),
    );
    server.listen(options.port ?? 3000, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const redirectUri = options.redirectUri ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}${callbackPath}`;

  const timer = setTimeout(() => settle?.reject(new TimeoutError('authorization code flow', timeoutMs)), timeoutMs);
  const onAbort = () => settle?.reject(new AbortError('authorization code flow'));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (options.signal?.aborted) throw new AbortError('authorization code flow');
    const authorize = new URL(`${oauth.baseUrl}/authorize`);
    authorize.searchParams.set('client_id', options.clientId);
    authorize.searchParams.set('redirect_uri', redirectUri);
    authorize.searchParams.set('response_type', 'code');
    authorize.searchParams.set('scope', options.scopes.join(' '));
    authorize.searchParams.set('state', state);
    if (options.forceVerify) authorize.searchParams.set('force_verify', 'true');
    const print =
      options.onAuthorizeUrl ?? ((url: string) => process.stdout.write(`Open this URL to authorize: ${url}\n`));
    print(authorize.toString());

    const { code } = await callback;
    const issued = await oauth.exchangeCode(code, redirectUri, options.signal);
    return await toAuthorizedUser(oauth, issued, options.signal);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await oauth.close();
  }
}
