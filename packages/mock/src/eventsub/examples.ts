/**
 * Twitch's notification for a `type@version`: the docs' example corrected to what Twitch sends (twitchShapes.ts),
 * optionally one of its documented alternatives, with its user fields filled from the emulator's users. Batched
 * types come as `events: [{ id, data }]`.
 */
import { EVENTSUB_EXAMPLES } from '../generated/eventsubExamples.js';
import { BATCHED_TYPES, EXTRA_EXAMPLES, fixShape, variantsOf } from './twitchShapes.js';
import type { HubNotification, HubUser } from './types.js';

export interface ExampleOverrides {
  condition?: Record<string, string>;
  event?: Record<string, unknown>;
  /** Which of the type's examples (some have several); default 0. */
  example?: number;
  /**
   * A documented alternative by name (`anonymous`, `permanent`, `canceled`, ...), `'seeded'` to draw the example
   * itself or one of its alternatives from the emulator's seeded source, or none (default) for the example itself.
   */
  variant?: string;
  /** Items of a batched type's delivery; default 2. */
  batchSize?: number;
}

export function exampleNotification(
  typeAtVersion: string,
  overrides: ExampleOverrides,
  lookupUser?: (id: string) => HubUser | undefined,
  random: () => number = Math.random,
  newId: () => string = () => crypto.randomUUID(),
): HubNotification {
  const example = EVENTSUB_EXAMPLES[typeAtVersion] ?? EXTRA_EXAMPLES[typeAtVersion];
  const at = typeAtVersion.lastIndexOf('@');
  if (!example || at < 0) throw new RangeError(`no EventSub example for ${typeAtVersion}`);
  const source = example.events[overrides.example ?? 0] ?? example.events[0] ?? {};
  const event = structuredClone(source) as Record<string, unknown>;
  fixShape(typeAtVersion, event);
  const variants = variantsOf(typeAtVersion);
  if (overrides.variant === 'seeded') {
    const pick = Math.floor(random() * (variants.length + 1));
    variants[pick - 1]?.apply(event);
  } else if (overrides.variant !== undefined) {
    const v = variants.find((x) => x.name === overrides.variant);
    if (!v) throw new RangeError(`no variant ${overrides.variant} of ${typeAtVersion}`);
    v.apply(event);
  }
  const condition = { ...example.condition, ...overrides.condition };
  // The condition names the users; the event says the same, with the emulator's logins and names when it knows them.
  for (const [key, id] of Object.entries(overrides.condition ?? {})) {
    if (!key.endsWith('_user_id') || !(key in event) || event[key] === null) continue;
    event[key] = id;
    const prefix = key.slice(0, -'_id'.length);
    const user = lookupUser?.(id);
    if (user && `${prefix}_login` in event) event[`${prefix}_login`] = user.login;
    if (user && `${prefix}_name` in event) event[`${prefix}_name`] = user.displayName;
  }
  Object.assign(event, overrides.event);
  const type = typeAtVersion.slice(0, at);
  const version = typeAtVersion.slice(at + 1);
  if (BATCHED_TYPES.has(typeAtVersion)) {
    const events = Array.from({ length: overrides.batchSize ?? 2 }, () => ({
      id: newId(),
      data: { ...structuredClone(event), entitlement_id: newId() },
    }));
    return { type, version, condition, event: {}, events };
  }
  return { type, version, condition, event };
}
