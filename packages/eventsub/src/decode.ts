/** Turns a notification's wire event into the public union: typed (known and valid), raw (unknown) or malformed. */
import { camelize } from './camelCase.js';
import { EventSubDecodeError } from './errors.js';
import { eventWireSchemas } from './generated/events.js';
import type { EventSubNotification, KnownEventKey, NotificationMeta } from './types.js';

const schemas = eventWireSchemas as Readonly<Record<string, (typeof eventWireSchemas)[KnownEventKey] | undefined>>;

/** Whether `key` (`type@version`) has a generated schema. */
export function isKnownEvent(key: string): key is KnownEventKey {
  return schemas[key] !== undefined;
}

export function decodeNotification(
  type: string,
  version: string,
  event: Record<string, unknown>,
  meta: NotificationMeta,
): EventSubNotification {
  const key = `${type}@${version}`;
  const schema = schemas[key];
  if (!schema) return { kind: 'raw', key, event, meta };
  const parsed = schema.safeParse(event);
  if (!parsed.success) {
    return {
      kind: 'malformed',
      key,
      raw: event,
      error: new EventSubDecodeError(key, event, { cause: parsed.error }),
      meta,
    };
  }
  return { kind: 'typed', key, event: camelize(parsed.data), meta } as EventSubNotification;
}
