import type { AddressInfo } from 'node:net';
import { createAdminHandler } from './admin/adminApi.js';
import { ALL_SCOPES } from './auth/allScopes.js';
import { type DeviceCodeSettings, DeviceCodes } from './auth/deviceCodes.js';
import { OAuthServer } from './auth/oauthServer.js';
import { type IssuedUserToken, TokenStore } from './auth/tokenStore.js';
import { type Clock, systemClock } from './clock.js';
import { MockOptionsError, MockServerError } from './errors.js';
import { createEventSubHub, type DeliverySettings, type EventSubHub } from './eventsub/hub.js';
import { createExternalChanges, type ExternalChanges } from './external.js';
import { helixRoutes } from './helix/helixRoutes.js';
import { FaultRegistry, type FaultSpec } from './http/faults.js';
import { HelixDispatcher } from './http/helixDispatcher.js';
import { createMockHttpServer } from './http/mockHttpServer.js';
import { RateLimiter, type RateLimitOptions } from './http/rateLimiter.js';
import { RequestLog, type RequestLogEntry } from './http/requestLog.js';
import type { MockLogger } from './logger.js';
import { type ChatLine, chatLines } from './ops/chatMessageOps.js';
import { settleTimeouts } from './ops/communityOps.js';
import { createRandom } from './random.js';
import { type LagOptions, LagPolicy, type LagRange, type ResourceKind, type StreamFlap } from './state/lagPolicy.js';
import type { MockUser } from './state/seedUsers.js';
import { type HistoryEntry, VersionedStore } from './state/versionedStore.js';
import { World } from './state/world.js';

/** Options of `startMock`; every field has a default. */
export interface MockOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
  /** Seed of every random draw (ids, tokens, lags, delivery faults); default 1. */
  seed?: number;
  /** Where the emulator reads the time; default `Date.now`. Drives lag, token expiry, rate-limit refill. */
  clock?: Clock;
  /** Number of seeded users (users[0] is the main broadcaster); default 10. */
  users?: number;
  /** Read lag per resource kind; default Twitch-like (see `DEFAULT_LAG`); `0` or `false` turns it off. */
  lag?: LagOptions;
  /** Rate-limit bucket per token; default 800 points per 60 s. */
  rateLimit?: RateLimitOptions;
  /** EventSub delivery: delay and faults; default `DEFAULT_EVENT_DELIVERY` (20-200 ms, no drops, duplicates or reordering). */
  events?: Partial<DeliverySettings>;
  /** Reports routes that threw (answered 500); default silent. */
  logger?: MockLogger;
  /** OAuth client; defaults are drawn from the seed. */
  clientId?: string;
  clientSecret?: string;
  /** Device code flow: lifetime and poll interval of the codes; default Twitch's (1800 s, 5 s). */
  deviceCodes?: Partial<DeviceCodeSettings>;
  /** EventSub hub knobs (subscribe window, reconnect grace, ping interval, keepalive, webhook retries, limits). */
  eventsub?: {
    /** Seconds a new socket has to get a subscription before it is closed with 4003; default 10 (Twitch's). */
    subscribeWindowSeconds?: number;
    /** How long an old socket lives after `session_reconnect` before 4004; default 30 s. */
    reconnectGraceMs?: number;
    /** How often sessions are pinged (a missing pong by the next ping closes with 4002); default the keepalive. */
    pingIntervalMs?: number;
    /** The keepalive every welcome names, whatever the client asked (within Twitch's 10 to 600 s); default the ask. */
    keepaliveSeconds?: number;
    webhookRetries?: { attempts: number; delayMs: number };
    limits?: { subscriptionsPerConnection?: number; connectionsPerUser?: number };
  };
}

/** The URLs a client needs. */
export interface MockUrls {
  base: string;
  helix: string;
  oauth: string;
  eventsubWs: string;
  admin: string;
}

/** The running emulator's handle. */
export interface MockServer {
  readonly urls: MockUrls;
  readonly port: number;
  readonly clientId: string;
  readonly clientSecret: string;
  /** An app access token for `clientId`. */
  readonly appToken: string;
  /** Seeded users; users[0] is the main broadcaster. */
  readonly users: readonly MockUser[];
  /** Issues a user token (default: all scopes, 4 h). */
  createUserToken(options: { userId: string; scopes?: string[]; expiresInSeconds?: number }): IssuedUserToken;
  /** Makes an access token expire now. */
  expireToken(accessToken: string): boolean;
  /** Revokes every token a user granted the client (disconnecting the app on twitch.tv); publishes `user.authorization.revoke`. */
  revokeUserTokens(userId: string): number;
  /** Approves a device code for a user, as a visit to twitch.tv/activate would. */
  authorizeDevice(userCode: string, userId?: string): boolean;
  /** Refuses a device code, as the user's "Cancel" on twitch.tv/activate would: the device's next poll is denied. */
  denyDevice(userCode: string): boolean;
  /** Lifetime and poll interval of the device codes issued from now on. */
  setDeviceCodes(settings: Partial<DeviceCodeSettings>): void;
  /** Adds a user (with a channel) at runtime. */
  addUser(login: string, displayName?: string): MockUser;
  readonly external: ExternalChanges;
  /** Lag of one kind; `'*'` sets every kind, and `'*'` at 0/0 turns all staleness (flapping included) off. */
  setLag(kind: ResourceKind | '*', range: LagRange): void;
  setStreamFlap(flap: StreamFlap): void;
  setRateLimit(options: RateLimitOptions): void;
  setEventDelivery(settings: Partial<DeliverySettings>): void;
  readonly faults: { inject(spec: FaultSpec): () => void; clear(): void; list(): FaultSpec[] };
  /** The committed truth of a key (its latest version), or undefined for an unknown key; timeouts that ran out are ended. */
  truth(key: string): HistoryEntry | undefined;
  /** Every committed version (of one key when given), in commit order; timeouts that ran out are ended first. */
  history(key?: string): HistoryEntry[];
  /** Calls `listener` on every commit; returns the unsubscribe function. */
  onCommit(listener: (entry: HistoryEntry) => void): () => void;
  requests(): RequestLogEntry[];
  /** The messages of a channel's chat the emulator keeps (the last 200), oldest first: what a bot said, and to whom. */
  chatMessages(broadcasterId: string): ChatLine[];
  clearRequests(): void;
  readonly eventsub: EventSubHub;
  stop(): Promise<void>;
}

/** Notifications follow their change by a short delay, as Twitch's do; nothing dropped, doubled or reordered. */
export const DEFAULT_EVENT_DELIVERY: Readonly<DeliverySettings> = Object.freeze({
  delayMs: { min: 20, max: 200 },
  dropRate: 0,
  duplicateRate: 0,
  reorderRate: 0,
});

function checkOptions(o: MockOptions): void {
  if (o.port !== undefined && !(Number.isInteger(o.port) && o.port >= 0 && o.port < 65536)) {
    throw new MockOptionsError(`port must be an integer in 0..65535, got ${o.port}`);
  }
  if (o.seed !== undefined && !Number.isInteger(o.seed)) throw new MockOptionsError('seed must be an integer');
  if (o.users !== undefined && !(Number.isInteger(o.users) && o.users >= 1 && o.users <= 10_000)) {
    throw new MockOptionsError('users must be an integer in 1..10000');
  }
}

/** Starts the emulator on one port: Helix, OAuth, EventSub WebSocket, admin API. */
export async function startMock(options: MockOptions = {}): Promise<MockServer> {
  checkOptions(options);
  const seed = options.seed ?? 1;
  const clock = options.clock ?? systemClock;
  const host = options.host ?? '127.0.0.1';
  // Separate streams per concern, so that (say) an extra HTTP request does not shift every later lag.
  const worldRandom = createRandom(seed);
  const tokenRandom = createRandom(seed * 7919 + 1);
  const lagRandom = createRandom(seed * 7919 + 2);
  const hubRandom = createRandom(seed * 7919 + 3);

  const lag = new LagPolicy(lagRandom, options.lag, createRandom(seed * 7919 + 4));
  const store = new VersionedStore(clock, lag);
  const world = new World(store, clock, worldRandom, options.users ?? 10);
  // A timeout ends by itself: before the truth or the history of a ban list is read, the ends that have passed are
  // committed (each dated when it passed), so nobody needs to have asked Helix for the list to see them.
  const settled = (key: string | undefined) => {
    if (key === undefined) for (const k of store.keys('bans:')) settleTimeouts(world, k.slice(5));
    else if (key.startsWith('bans:')) settleTimeouts(world, key.slice(5));
  };
  const tokens = new TokenStore(clock, tokenRandom);
  const devices = new DeviceCodes(clock, tokenRandom, options.deviceCodes);
  const clientId = options.clientId ?? tokenRandom.string(30);
  const clientSecret = options.clientSecret ?? tokenRandom.string(30);
  const limiter = new RateLimiter(clock, options.rateLimit);
  const faults = new FaultRegistry(clock);
  const log = new RequestLog();
  const external = createExternalChanges(world);

  const urls: MockUrls = { base: '', helix: '', oauth: '', eventsubWs: '', admin: '' };
  const hub = createEventSubHub({
    lookupToken: (t) => tokens.lookup(t),
    clock,
    random: () => hubRandom.next(),
    urls,
    // The user's current login and name (they can change on twitch.tv), not the seeded ones.
    lookupUser: (id) => {
      if (!world.userExists(id)) return undefined;
      const user = world.user(id);
      return { id, login: user.login, displayName: user.display_name };
    },
    ...options.eventsub,
  });
  let delivery: DeliverySettings = { ...DEFAULT_EVENT_DELIVERY, ...options.events };
  hub.setDelivery(delivery);
  world.onEvent((event) => hub.publish(event));

  const oauth = new OAuthServer({
    client: { clientId, clientSecret },
    tokens,
    devices,
    clock,
    random: tokenRandom,
    allScopes: ALL_SCOPES,
    oauthBase: () => urls.oauth,
    defaultUserId: () => world.users[0]!.id,
    userExists: (id) => world.userExists(id),
    userLogin: (id) => (world.userExists(id) ? world.user(id).login : undefined),
  });
  const helix = new HelixDispatcher(tokens, limiter, options.logger);
  helix.mount(helixRoutes(world));
  helix.mount(hub.routes);

  const appToken = tokens.issueApp(clientId).accessToken;

  const handle: MockServer = {
    urls,
    port: 0,
    clientId,
    clientSecret,
    appToken,
    users: world.users,
    createUserToken({ userId, scopes, expiresInSeconds }) {
      if (!world.userExists(userId)) throw new MockOptionsError(`unknown user ${userId}`);
      const unknown = scopes?.find((s) => !ALL_SCOPES.includes(s));
      if (unknown) throw new MockOptionsError(`unknown scope ${unknown}`);
      return tokens.issueUser(clientId, userId, scopes ?? ALL_SCOPES, expiresInSeconds);
    },
    expireToken: (t) => tokens.expire(t),
    revokeUserTokens(userId) {
      const revoked = tokens.revokeUser(userId, clientId);
      if (world.userExists(userId)) {
        const user = world.user(userId);
        world.publish({
          type: 'user.authorization.revoke',
          version: '1',
          condition: { client_id: clientId },
          event: { client_id: clientId, user_id: userId, user_login: user.login, user_name: user.display_name },
        });
      }
      return revoked;
    },
    authorizeDevice: (code, userId) => devices.approve(code, userId ?? world.users[0]!.id),
    denyDevice: (code) => devices.deny(code),
    setDeviceCodes: (settings) => devices.configure(settings),
    addUser: (login, displayName) => world.addUser(login, displayName),
    external,
    setLag: (kind, range) => lag.set(kind, range),
    setStreamFlap: (flap) => lag.setFlap(flap),
    setRateLimit: (o) => limiter.configure(o),
    setEventDelivery(settings) {
      const next = { ...delivery, ...settings };
      hub.setDelivery(next);
      delivery = next;
    },
    faults: { inject: (s) => faults.inject(s), clear: () => faults.clear(), list: () => faults.list() },
    truth: (key) => {
      settled(key);
      return store.truth(key);
    },
    history: (key) => {
      settled(key);
      return store.history(key);
    },
    onCommit: (listener) => store.onCommit(listener),
    requests: () => log.list(),
    chatMessages: (b) => chatLines(world, b),
    clearRequests: () => log.clear(),
    eventsub: hub,
    stop: async () => {},
  };

  const admin = createAdminHandler({
    handle,
    lagSnapshot: () => lag.snapshot(),
    rateLimit: () => limiter.settings,
    delivery: () => delivery,
    deviceCodes: () => devices.settings,
    unimplemented: () => helix.unimplemented(),
  });
  const server = createMockHttpServer({
    clock,
    world,
    helix,
    oauth,
    admin,
    faults,
    log,
    upgrade: (req, socket, head) => hub.handleUpgrade(req, socket, head),
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(new MockServerError(`cannot listen on ${host}:${options.port ?? 0}`, { cause: err })),
    );
    server.listen(options.port ?? 0, host, () => resolve());
  });
  server.on('error', () => {});
  const port = (server.address() as AddressInfo).port;
  const base = `http://${host}:${port}`;
  Object.assign(urls, {
    base,
    helix: `${base}/helix`,
    oauth: `${base}/oauth2`,
    eventsubWs: `ws://${host}:${port}/ws`,
    admin: `${base}/admin`,
  });
  let stopping: Promise<void> | undefined;
  Object.assign(handle, {
    port,
    stop: () => {
      stopping ??= (async () => {
        await hub.close().catch(() => {});
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return stopping;
    },
  });
  return handle;
}
