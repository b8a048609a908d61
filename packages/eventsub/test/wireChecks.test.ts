/**
 * The in-place checks of the frames and Helix answers (src/wire/) decide as the zod schemas they replaced: the same
 * frames accepted and refused, on near-valid frames of every rarer kind (notifications, the hot path, were checked in
 * place already). zod stays out of the package (it weighed about
 * 10 MiB of every listener's memory), so the schemas live here, as the oracle.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { messageChecks, metadataOnly, wireSubscription } from '../src/wire/frames.js';
import { conduitList, shardList, shardUpdate, subscriptionList } from '../src/wire/helix.js';
import { leaves, mutate } from './mutate.js';

// ---- the zod schemas of the frames and answers before the checks replaced them ----
const transport = z.looseObject({
  method: z.string(),
  session_id: z.string().optional(),
  callback: z.string().optional(),
  conduit_id: z.string().optional(),
  connected_at: z.string().optional(),
  disconnected_at: z.string().optional(),
});
const subscription = z.looseObject({
  id: z.string(),
  status: z.string(),
  type: z.string(),
  version: z.string(),
  cost: z.number(),
  condition: z.record(z.string(), z.unknown()),
  transport,
  created_at: z.string(),
});
const metadata = z.looseObject({
  message_id: z.string(),
  message_type: z.string(),
  message_timestamp: z.string(),
  subscription_type: z.string().optional(),
  subscription_version: z.string().optional(),
});
const session = z.looseObject({
  id: z.string(),
  status: z.string(),
  connected_at: z.string().optional(),
  keepalive_timeout_seconds: z.number().nullable().optional(),
  reconnect_url: z.string().nullable().optional(),
});
const oracle: Record<string, z.ZodType> = {
  session_welcome: z.object({
    metadata: metadata.extend({ message_type: z.literal('session_welcome') }),
    payload: z.object({ session }),
  }),
  session_keepalive: z.object({
    metadata: metadata.extend({ message_type: z.literal('session_keepalive') }),
    payload: z.unknown(),
  }),
  session_reconnect: z.object({
    metadata: metadata.extend({ message_type: z.literal('session_reconnect') }),
    payload: z.object({ session: session.extend({ reconnect_url: z.string() }) }),
  }),
  revocation: z.object({
    metadata: metadata.extend({ message_type: z.literal('revocation') }),
    payload: z.object({ subscription }),
  }),
};
const shard = z.looseObject({
  id: z.string(),
  status: z.string(),
  transport: z
    .looseObject({
      method: z.string().optional(),
      session_id: z.string().optional(),
      callback: z.string().optional(),
      connected_at: z.string().optional(),
      disconnected_at: z.string().optional(),
    })
    .nullable()
    .optional(),
});
const pagination = z.looseObject({ cursor: z.string().optional() }).optional();
const answers = [
  [
    'subscriptions',
    subscriptionList,
    z.looseObject({ data: z.array(subscription), total: z.number().optional(), pagination }),
  ],
  [
    'conduits',
    conduitList,
    z.looseObject({ data: z.array(z.looseObject({ id: z.string(), shard_count: z.number() })) }),
  ],
  ['shards', shardList, z.looseObject({ data: z.array(shard), pagination })],
  [
    'shard update',
    shardUpdate,
    z.looseObject({
      data: z.array(shard),
      errors: z.array(z.looseObject({ id: z.string(), message: z.string(), code: z.string().optional() })).optional(),
    }),
  ],
] as const;

// ---- near-valid values: a valid one with one leaf replaced or removed ----
const sub = {
  id: 'sub',
  status: 'enabled',
  type: 'channel.follow',
  version: '2',
  cost: 0,
  condition: { broadcaster_user_id: '1' },
  transport: { method: 'websocket', session_id: 's', connected_at: '2024-01-01T00:00:00Z' },
  created_at: '2024-01-01T00:00:00Z',
};
const meta = (type: string) => ({
  message_id: 'm',
  message_type: type,
  message_timestamp: '2024-01-01T00:00:00Z',
  subscription_type: 'channel.follow',
  subscription_version: '2',
});
const sessionValue = { id: 's', status: 'connected', keepalive_timeout_seconds: 10, reconnect_url: 'ws://x/ws' };
const validFrames: Record<string, unknown> = {
  session_welcome: { metadata: meta('session_welcome'), payload: { session: sessionValue } },
  session_keepalive: { metadata: meta('session_keepalive'), payload: {} },
  session_reconnect: { metadata: meta('session_reconnect'), payload: { session: sessionValue } },
  revocation: { metadata: meta('revocation'), payload: { subscription: sub } },
};
const validAnswers: Record<string, unknown> = {
  subscriptions: { data: [sub, sub], total: 2, pagination: { cursor: 'c' } },
  conduits: { data: [{ id: 'c', shard_count: 2 }] },
  shards: { data: [{ id: '0', status: 'enabled', transport: { method: 'websocket', session_id: 's' } }] },
  'shard update': { data: [{ id: '0', status: 'enabled', transport: null }], errors: [{ id: '1', message: 'no' }] },
};

const near = (valid: unknown) =>
  fc
    .tuple(
      fc.constantFrom(...leaves(valid)),
      fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(null, 'x', 1, true, [], {})),
      fc.boolean(),
    )
    .map(([path, value, remove]) => mutate(valid, path, value, remove && path.length > 0));

describe('in-place wire checks decide as the zod schemas did', () => {
  for (const [type, valid] of Object.entries(validFrames)) {
    it(`${type} frames`, () => {
      const check = messageChecks[type]!;
      expect(check(valid)).toBeUndefined();
      let refused = 0;
      fc.assert(
        fc.property(near(valid), (frame) => {
          const zodSays = oracle[type]!.safeParse(frame).success;
          const problem = check(frame);
          if (problem !== undefined) refused++;
          return zodSays === (problem === undefined);
        }),
        { numRuns: 2_000, seed: 3 },
      );
      expect(refused).toBeGreaterThan(100);
    });
  }

  it('metadata alone (an unknown message type is told from a frame without metadata)', () => {
    const schema = z.object({ metadata });
    fc.assert(
      fc.property(near({ metadata: meta('something_new') }), (frame) => {
        return schema.safeParse(frame).success === (metadataOnly(frame) === undefined);
      }),
      { numRuns: 2_000, seed: 4 },
    );
  });

  for (const [name, check, schema] of answers) {
    it(`Helix answers: ${name}`, () => {
      expect(check(validAnswers[name])).toBeUndefined();
      fc.assert(
        fc.property(near(validAnswers[name]), (body) => schema.safeParse(body).success === (check(body) === undefined)),
        { numRuns: 2_000, seed: 5 },
      );
    });
  }

  it('a refusal names the field', () => {
    expect(
      messageChecks.session_welcome!({ ...(validFrames.session_welcome as object), payload: { session: { id: 1 } } }),
    ).toBe('.payload.session.id: expected a string, got a number');
    expect(subscriptionList({ data: [{ ...sub, cost: '0' }] })).toBe('.data[0].cost: not as Twitch sends it');
    expect(wireSubscription(null)).toBe(': expected a subscription object');
  });

  it('no module of the package imports zod, and the package does not depend on it', () => {
    const src = join(import.meta.dirname, '..', 'src');
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    for (const file of files) {
      expect(readFileSync(join(src, file), 'utf8'), file).not.toMatch(/from ['"]zod(\/[^'"]*)?['"]/);
    }
    const pkg = JSON.parse(readFileSync(join(src, '..', 'package.json'), 'utf8')) as Record<string, object>;
    expect(Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies })).not.toContain('zod');
  });
});
