/**
 * The JSON bodies the admin API (`/admin/...`) accepts, one zod schema per route. Fields are camelCase because they
 * mirror the in-process handle's options; unknown fields pass. A body that does not match is refused with 400 naming
 * the field, before anything changes.
 */
import { z } from 'zod';
import { helixError, type MockResponse } from '../http/route.js';
import { bodyIssueMessage } from '../validation/bodyIssue.js';

const rate = z.number().min(0).max(1);
const ms = z.number().min(0);

export const adminBodies = {
  /** `POST /tokens` */
  createToken: z.looseObject({
    userId: z.string().min(1),
    scopes: z.array(z.string()).optional(),
    expiresInSeconds: z.number().int().positive().optional(),
  }),
  /** `POST /tokens/expire` */
  expireToken: z.looseObject({ accessToken: z.string().min(1) }),
  /** `POST /users` */
  addUser: z.looseObject({ login: z.string().min(1), displayName: z.string().optional() }),
  /** `POST /external/<method>`: the arguments, as a list or as `{ args }`. */
  external: z.union([z.array(z.unknown()), z.looseObject({ args: z.array(z.unknown()).optional() })]),
  /** `PUT /lag` */
  lag: z.looseObject({ kind: z.string().optional(), minMs: ms, maxMs: ms }),
  /** `PUT /stream-flap` */
  streamFlap: z.looseObject({ windowMs: ms, probability: rate, afterOffline: z.boolean().optional() }),
  /** `PUT /rate-limit` */
  rateLimit: z.looseObject({
    limit: z.number().int().positive().optional(),
    windowMs: z.number().positive().optional(),
  }),
  /** `PUT /events` */
  events: z.looseObject({
    delayMs: z.looseObject({ min: ms, max: ms }).optional(),
    dropRate: rate.optional(),
    duplicateRate: rate.optional(),
    reorderRate: rate.optional(),
  }),
  /** `POST /faults`: a `FaultSpec`, with `pathPattern` as the source of a RegExp. */
  fault: z.looseObject({
    path: z.string().optional(),
    pathPattern: z.string().optional(),
    method: z.string().optional(),
    status: z.number().int().min(100).max(599).optional(),
    afterServing: z.boolean().optional(),
    latencyMs: ms.optional(),
    answerDelayMs: ms.optional(),
    malformed: z.enum(['json', 'truncated', 'html']).optional(),
    times: z.number().int().positive().optional(),
    forMs: z.number().positive().optional(),
    omitRateLimitHeaders: z.boolean().optional(),
  }),
  /** `POST /devices/approve` */
  approveDevice: z.looseObject({ userCode: z.string().min(1), userId: z.string().optional() }),
  /** `POST /devices/deny` */
  denyDevice: z.looseObject({ userCode: z.string().min(1) }),
  /** `PUT /devices` */
  deviceCodes: z.looseObject({
    lifetimeSeconds: z.number().positive().optional(),
    intervalSeconds: z.number().positive().optional(),
  }),
  /** `POST /eventsub/emit` */
  emit: z.looseObject({
    type: z.string().min(1),
    condition: z.record(z.string(), z.string()).optional(),
    event: z.record(z.string(), z.unknown()).optional(),
  }),
  /** `POST /eventsub/sessions/<id>/close` */
  closeSession: z.looseObject({ code: z.number().int().min(4000).max(4999).optional() }),
} as const;

/** Parses an admin body (an absent body counts as `{}`), or answers Twitch's 400 naming the field. */
export function parseAdminBody<S extends z.ZodType>(
  schema: S,
  raw: unknown,
): { ok: true; value: z.infer<S> } | { ok: false; response: MockResponse } {
  const body = raw === undefined ? {} : raw;
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, response: helixError(400, bodyIssueMessage(parsed.error, body)) };
}
