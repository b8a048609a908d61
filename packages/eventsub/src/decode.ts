/**
 * Turns a notification's wire event into the public union: typed (known and valid), raw (unknown) or malformed. The
 * decoders are precompiled from Twitch's reference (src/generated/events.ts): one pass checks each field in place and
 * builds the camelCase event; a violation names the field.
 */
import { camelize } from './camelCase.js';
import { FAIL, formatPath, lastFailure } from './decodeFailure.js';
import { EventSubDecodeError } from './errors.js';
import { batchedEventKeys, eventDecoders } from './generated/events.js';
import type { EventSubNotification, KnownEventKey, NotificationMeta } from './types.js';

const decoders = eventDecoders as Readonly<Record<string, ((event: unknown) => unknown) | undefined>>;

/** Whether `key` (`type@version`) has a generated decoder. */
export function isKnownEvent(key: string): key is KnownEventKey {
  return decoders[key] !== undefined;
}

/** Whether Twitch delivers `key` batched (`events: [{ id, data }]`). */
export function isBatchedEvent(key: string): boolean {
  return batchedEventKeys.has(key);
}

/** One event (`payload.event`) of `key` (`type@version`). */
export function decodeNotification(
  key: string,
  event: Record<string, unknown>,
  meta: NotificationMeta,
): EventSubNotification {
  const decoder = decoders[key];
  if (!decoder) return { kind: 'raw', key, event, meta };
  const decoded = decoder(event);
  if (decoded === FAIL) return malformed(key, event, meta, 'event');
  return { kind: 'typed', key, event: decoded, meta } as EventSubNotification;
}

/**
 * A batched delivery (`events: [{ id, data }]`): one notification per item, each with its item id in
 * `meta.itemId`; a bad item is delivered as malformed (naming its field) and the others as usual.
 */
export function decodeBatch(key: string, events: readonly unknown[], meta: NotificationMeta): EventSubNotification[] {
  const decoder = decoders[key];
  const out: EventSubNotification[] = new Array(events.length);
  for (let i = 0; i < events.length; i++) {
    const item = events[i] as { id?: unknown; data?: unknown } | null;
    const itemId = typeof item?.id === 'string' ? item.id : undefined;
    const itemMeta: NotificationMeta = itemId === undefined ? { ...meta } : { ...meta, itemId };
    const data = item?.data;
    const raw = (typeof item === 'object' && item !== null ? item : { value: item }) as Record<string, unknown>;
    if (itemId === undefined) {
      out[i] = malformedItem(key, raw, itemMeta, i, 'id', 'a string', item?.id);
      continue;
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      out[i] = malformedItem(key, raw, itemMeta, i, 'data', 'an object', data);
      continue;
    }
    if (!decoder) {
      out[i] = { kind: 'raw', key, event: camelize(data) as Record<string, unknown>, meta: itemMeta };
      continue;
    }
    const decoded = decoder(data);
    out[i] =
      decoded === FAIL
        ? malformed(key, data as Record<string, unknown>, itemMeta, `events[${i}].data`)
        : ({ kind: 'typed', key, event: decoded, meta: itemMeta } as EventSubNotification);
  }
  return out;
}

function malformed(key: string, raw: Record<string, unknown>, meta: NotificationMeta, root: string) {
  const f = lastFailure();
  const path = formatPath(f.path);
  return {
    kind: 'malformed' as const,
    key,
    raw,
    error: new EventSubDecodeError(key, raw, path === '' ? root : `${root}.${path}`, f.expected, f.got),
    meta,
  };
}

function malformedItem(
  key: string,
  raw: Record<string, unknown>,
  meta: NotificationMeta,
  index: number,
  field: string,
  expected: string,
  value: unknown,
) {
  const got = value === undefined ? 'nothing' : value === null ? 'null' : `a ${typeof value}`;
  return {
    kind: 'malformed' as const,
    key,
    raw,
    error: new EventSubDecodeError(key, raw, `events[${index}].${field}`, expected, got),
    meta,
  };
}
