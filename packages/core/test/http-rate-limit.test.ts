import { type MockServer, startMock } from '@twitchify/mock';
import { afterEach, describe, expect, it } from 'vitest';
import { RateLimitBucket } from '../src/helix.js';
import { AbortError, HelixClient, RefreshingAuthProvider, StaticAuthProvider } from '../src/index.js';

let mock: MockServer | undefined;
const clients: HelixClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await mock?.stop();
  mock = undefined;
});

function clientFor(m: MockServer, accessToken: string, userId: string): HelixClient {
  const client = new HelixClient({
    auth: new StaticAuthProvider({ clientId: m.clientId, accessToken, userId }),
    helixBaseUrl: m.urls.helix,
    oauthBaseUrl: m.urls.oauth,
  });
  clients.push(client);
  return client;
}

const helixCalls = (m: MockServer, status?: number) =>
  m.requests().filter((r) => r.path.startsWith('/helix/') && (status === undefined || r.status === status));

describe('rate limits', () => {
  it('1,000 concurrent GETs on one token all succeed and no 429 reaches the caller', async () => {
    mock = await startMock({ port: 0, seed: 1, lag: false, rateLimit: { limit: 300, windowMs: 1000 } });
    const user = mock.users[0]!;
    const helix = clientFor(mock, mock.createUserToken({ userId: user.id }).accessToken, user.id);
    const results = await Promise.allSettled(
      Array.from({ length: 1000 }, () => helix.channels.getChannelInformation({ broadcasterId: user.id })),
    );
    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed).toEqual([]);
    expect(helixCalls(mock, 200)).toHaveLength(1000);
    // The bucket kept us under the limit: the emulator refused (almost) nothing, and whatever it refused was waited out.
    expect(helixCalls(mock, 429).length).toBeLessThan(50);
  }, 30_000);

  it("a 429 on user A's token does not delay user B", async () => {
    // Buckets of 3 points refilled one per 20 s, per token, on the emulator as on Twitch.
    mock = await startMock({ port: 0, seed: 1, lag: false, rateLimit: { limit: 3, windowMs: 60_000 } });
    const m = mock;
    const [a, b] = [m.users[0]!, m.users[1]!];
    const tokenA = m.createUserToken({ userId: a.id }).accessToken;
    const clientA = clientFor(m, tokenA, a.id);
    const otherProcessA = clientFor(m, tokenA, a.id);
    const clientB = clientFor(m, m.createUserToken({ userId: b.id }).accessToken, b.id);
    await clientA.users.getUsers({ id: a.id });
    // Another process spends A's last points behind clientA's back: clientA's next call is answered 429.
    await otherProcessA.users.getUsers({ id: a.id });
    await otherProcessA.users.getUsers({ id: a.id });
    const controller = new AbortController();
    let aSettled = false;
    const pendingA = Array.from({ length: 5 }, () =>
      clientA.users.getUsers({ id: a.id }, { signal: controller.signal }).finally(() => {
        aSettled = true;
      }),
    );
    await expect.poll(() => helixCalls(m, 429).filter((r) => r.userId === a.id).length).toBeGreaterThan(0);
    // B's calls go straight through while A waits for its reset.
    for (let i = 0; i < 3; i++) {
      const answer = await clientB.users.getUsers({ id: b.id });
      expect(answer.data[0]!.id).toBe(b.id);
    }
    expect(aSettled).toBe(false);
    expect(helixCalls(m, 429).filter((r) => r.userId === b.id)).toHaveLength(0);
    controller.abort();
    const outcomes = await Promise.allSettled(pendingA);
    expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
    // Closing the client ends a call still waiting for the reset, leaving no timer behind.
    const waiting = clientA.users.getUsers({ id: a.id }).catch((e: unknown) => e);
    await clientA.close();
    expect(await waiting).toBeInstanceOf(AbortError);
  });

  it("within one client, user A's exhausted bucket does not hold back user B's calls (asUser)", async () => {
    mock = await startMock({ port: 0, seed: 1, lag: false, rateLimit: { limit: 3, windowMs: 60_000 } });
    const m = mock;
    const [a, b] = [m.users[0]!, m.users[1]!];
    const auth = new RefreshingAuthProvider({
      clientId: m.clientId,
      clientSecret: m.clientSecret,
      oauthBaseUrl: m.urls.oauth,
    });
    for (const user of [a, b]) {
      const t = m.createUserToken({ userId: user.id });
      auth.addUser({ userId: user.id, accessToken: t.accessToken, refreshToken: t.refreshToken });
    }
    const helix = new HelixClient({ auth, helixBaseUrl: m.urls.helix, oauthBaseUrl: m.urls.oauth });
    clients.push(helix);
    try {
      const controller = new AbortController();
      let aSettled = 0;
      // Six calls as A: three spend A's bucket, the rest wait for A's refill.
      const pendingA = Array.from({ length: 6 }, () =>
        helix.users.getUsers({ id: a.id }, { asUser: a.id, signal: controller.signal }).finally(() => {
          aSettled++;
        }),
      );
      await expect.poll(() => helixCalls(m).filter((r) => r.userId === a.id).length).toBe(3);
      for (let i = 0; i < 3; i++) {
        const answer = await helix.users.getUsers({ id: b.id }, { asUser: b.id });
        expect(answer.data[0]!.id).toBe(b.id);
      }
      expect(helixCalls(m).filter((r) => r.userId === b.id)).toHaveLength(3);
      // B is done while three of A's calls still wait for A's refill.
      expect(aSettled).toBe(3);
      controller.abort();
      const outcomes = await Promise.allSettled(pendingA);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(3);
    } finally {
      await auth.close();
    }
  });

  it('a 429 from Twitch is waited out and retried, invisible to the caller', async () => {
    mock = await startMock({ port: 0, seed: 1, lag: false });
    const user = mock.users[0]!;
    const helix = clientFor(mock, mock.createUserToken({ userId: user.id }).accessToken, user.id);
    await helix.users.getUsers({ id: user.id });
    mock.faults.inject({ path: '/users', status: 429, times: 2 });
    const answer = await helix.users.getUsers({ id: user.id });
    expect(answer.data[0]!.id).toBe(user.id);
    expect(helixCalls(mock, 429)).toHaveLength(2);
  });

  it('answers without rate-limit headers never stall the queue', async () => {
    mock = await startMock({ port: 0, seed: 1, lag: false });
    const user = mock.users[0]!;
    mock.faults.inject({ omitRateLimitHeaders: true });
    const helix = clientFor(mock, mock.createUserToken({ userId: user.id }).accessToken, user.id);
    // From the very first answer (no headers ever seen) ...
    const first = await Promise.all(Array.from({ length: 50 }, () => helix.users.getUsers({ id: user.id })));
    expect(first).toHaveLength(50);
    mock.faults.clear();
    // ... and after headers were seen, when they go missing again.
    await helix.users.getUsers({ id: user.id });
    mock.faults.inject({ omitRateLimitHeaders: true });
    const second = await Promise.all(Array.from({ length: 50 }, () => helix.users.getUsers({ id: user.id })));
    expect(second).toHaveLength(50);
  });
});

describe('a 429 without rate-limit headers', () => {
  it('pauses the token, then lets calls go in parallel again (the bucket recovers)', async () => {
    let now = 1_000_000;
    const bucket = new RateLimitBucket(() => now);
    // headers never seen: answers without them leave the bucket unlimited
    await bucket.acquire();
    bucket.release(undefined);
    expect(bucket.state).toBe('unlimited');
    await bucket.acquire();
    bucket.exhausted(undefined);
    bucket.release(undefined);
    // during the pause nothing goes ...
    let went = false;
    const waiting = bucket.acquire().then(() => {
      went = true;
    });
    await Promise.resolve();
    expect(went).toBe(false);
    // ... and once it is over, twenty calls go at once, none waiting for another to end
    now += 1_001;
    await waiting;
    const twenty = Array.from({ length: 20 }, () => bucket.acquire());
    await Promise.all(twenty);
    expect(bucket.inFlight).toBe(21);
    expect(bucket.state).toBe('unlimited');
    bucket.close(new Error('done'));
  });

  it('with the emulator: after a header-less 429, parallel calls are not serialised', async () => {
    mock = await startMock({ port: 0, seed: 1, lag: false });
    const m = mock;
    const user = m.users[0]!;
    // each request takes the first fault that matches: one header-less 429, then /channels held 200 ms, no headers
    m.faults.inject({ path: '/users', status: 429, times: 1 });
    m.faults.inject({ path: '/channels', latencyMs: 200, omitRateLimitHeaders: true });
    m.faults.inject({ omitRateLimitHeaders: true });
    const helix = clientFor(m, m.createUserToken({ userId: user.id }).accessToken, user.id);
    await helix.users.getUsers({ id: user.id });
    expect(helixCalls(m, 429)).toHaveLength(1);
    await Promise.all(
      Array.from({ length: 20 }, () => helix.channels.getChannelInformation({ broadcasterId: user.id })),
    );
    // one at a time, each would arrive only after the previous one's 200 ms: some arrived while another was held
    const arrivals = helixCalls(m)
      .filter((r) => r.path.endsWith('/channels'))
      .map((r) => r.at)
      .sort((a, b) => a - b);
    expect(arrivals).toHaveLength(20);
    expect(arrivals.some((at, i) => i > 0 && at - arrivals[i - 1]! < 200)).toBe(true);
  });
});
