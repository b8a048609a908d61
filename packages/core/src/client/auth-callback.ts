/**
 * Where the built-in authorization code flow listens for Twitch's redirect, and the redirect URI it sends: one
 * option object, checked when the Client is made (a wrong redirect is found before anyone opens a browser).
 */
import { ConfigurationError } from '../errors.js';

/**
 * The callback server of the built-in authorization code flow (`client.run()` with a client secret). The redirect
 * URI registered for the app in the Twitch developer console must be exactly the one sent: by default
 * `http://<host>:<port><path>`, that is `http://127.0.0.1:3000/callback`; `redirectUri` when a tunnel or a reverse
 * proxy stands in front of the server.
 */
export interface AuthCallbackOptions {
  /** The address the callback server listens on. Default `'127.0.0.1'` (only this machine can reach it). */
  host?: string | undefined;
  /** Its port. Default 3000 (or the Client's `authPort`); 0 picks a free one (tests). */
  port?: number | undefined;
  /** The path it answers on. Default: the path of `redirectUri` if given, else `'/callback'`. */
  path?: string | undefined;
  /**
   * The redirect URI sent to Twitch, when it is not `http://<host>:<port><path>` (`https://bot.example.com/twitch/cb`
   * proxied to this server). Its path is the server's path unless `path` says otherwise.
   */
  redirectUri?: string | undefined;
}

/** The callback as the flow uses it: every default filled in except the redirect URI (it needs the bound port). */
export interface ResolvedAuthCallback {
  host: string;
  port: number;
  path: string;
  redirectUri: string | undefined;
}

const isPort = (p: unknown): p is number => Number.isInteger(p) && (p as number) >= 0 && (p as number) <= 65_535;

/** Checks `authCallback` (and `authPort`, its older spelling of `port`); throws a {@link ConfigurationError}. */
export function checkAuthCallback(callback: AuthCallbackOptions | undefined, authPort: number | undefined): void {
  if (authPort !== undefined && !isPort(authPort))
    throw new ConfigurationError('Client: `authPort` must be a port number');
  if (callback === undefined) return;
  if (typeof callback !== 'object' || callback === null) {
    throw new ConfigurationError('Client: `authCallback` must be an object ({ host?, port?, path?, redirectUri? })');
  }
  const { host, port, path, redirectUri } = callback;
  if (host !== undefined && (typeof host !== 'string' || host.length === 0)) {
    throw new ConfigurationError('Client: `authCallback.host` must be a non-empty string');
  }
  if (port !== undefined && !isPort(port))
    throw new ConfigurationError('Client: `authCallback.port` must be a port number');
  if (port !== undefined && authPort !== undefined && port !== authPort) {
    throw new ConfigurationError('Client: `authPort` and `authCallback.port` disagree: give `authCallback.port` alone');
  }
  if (path !== undefined && (typeof path !== 'string' || !path.startsWith('/'))) {
    throw new ConfigurationError("Client: `authCallback.path` must start with '/'");
  }
  if (redirectUri !== undefined) {
    const url = typeof redirectUri === 'string' && URL.canParse(redirectUri) ? new URL(redirectUri) : undefined;
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') {
      throw new ConfigurationError(
        'Client: `authCallback.redirectUri` must be an http(s) URL without query or fragment, as registered for the app',
      );
    }
  }
}

/** The callback with its defaults. */
export function resolveAuthCallback(
  callback: AuthCallbackOptions | undefined,
  authPort: number | undefined,
): ResolvedAuthCallback {
  const redirectUri = callback?.redirectUri;
  return {
    host: callback?.host ?? '127.0.0.1',
    port: callback?.port ?? authPort ?? 3000,
    path: callback?.path ?? (redirectUri ? new URL(redirectUri).pathname : '/callback'),
    redirectUri,
  };
}
