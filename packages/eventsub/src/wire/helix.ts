/** zod schemas of the Helix EventSub answers (snake_case). */
import { z } from 'zod';
import { wireSubscriptionSchema } from './frames.js';

export const subscriptionListSchema = z.looseObject({
  data: z.array(wireSubscriptionSchema),
  total: z.number().optional(),
  pagination: z.looseObject({ cursor: z.string().optional() }).optional(),
});

export const conduitListSchema = z.looseObject({
  data: z.array(z.looseObject({ id: z.string(), shard_count: z.number() })),
});

export const shardSchema = z.looseObject({
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

export const shardListSchema = z.looseObject({
  data: z.array(shardSchema),
  pagination: z.looseObject({ cursor: z.string().optional() }).optional(),
});

export const shardUpdateSchema = z.looseObject({
  data: z.array(shardSchema),
  errors: z.array(z.looseObject({ id: z.string(), message: z.string(), code: z.string().optional() })).optional(),
});
