/** Twitch's example notification for a `type@version`, with its user fields filled from the emulator's users. */
import { EVENTSUB_EXAMPLES } from '../generated/eventsubExamples.js';
import type { HubNotification, HubUser } from './types.js';

export interface ExampleOverrides {
  condition?: Record<string, string>;
  event?: Record<string, unknown>;
  /** Which of the type's examples (some have several); default 0. */
  example?: number;
}

export function exampleNotification(
  typeAtVersion: string,
  overrides: ExampleOverrides,
  lookupUser?: (id: string) => HubUser | undefined,
): HubNotification {
  const example = EVENTSUB_EXAMPLES[typeAtVersion];
  const at = typeAtVersion.lastIndexOf('@');
  if (!example || at < 0) throw new RangeError(`no EventSub example for ${typeAtVersion}`);
  const source = example.events[overrides.example ?? 0] ?? example.events[0] ?? {};
  const event = structuredClone(source) as Record<string, unknown>;
  const condition = { ...example.condition, ...overrides.condition };
  // The condition names the users; the event says the same, with the emulator's logins and names when it knows them.
  for (const [key, id] of Object.entries(overrides.condition ?? {})) {
    if (!key.endsWith('_user_id') || !(key in event)) continue;
    event[key] = id;
    const prefix = key.slice(0, -'_id'.length);
    const user = lookupUser?.(id);
    if (user && `${prefix}_login` in event) event[`${prefix}_login`] = user.login;
    if (user && `${prefix}_name` in event) event[`${prefix}_name`] = user.displayName;
  }
  Object.assign(event, overrides.event);
  return { type: typeAtVersion.slice(0, at), version: typeAtVersion.slice(at + 1), condition, event };
}
