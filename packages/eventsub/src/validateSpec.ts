/** Checks a subscription spec given by the app, naming the faulty field. */
import { z } from 'zod';
import { EventSubOptionsError } from './errors.js';
import type { SubscriptionSpec } from './types.js';

const specSchema = z.object({
  type: z.string().regex(/^[a-z0-9_.]+$/, 'lowercase dotted name'),
  version: z.string().min(1),
  condition: z.record(z.string(), z.string()),
});

export function validateSpec(spec: SubscriptionSpec): void {
  const r = specSchema.safeParse(spec);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new EventSubOptionsError(`spec.${issue?.path.join('.') ?? ''}`, issue?.message ?? 'invalid', {
      cause: r.error,
    });
  }
}
