/** Wire subscription to public subscription. */
import type { EventSubSubscription } from './types.js';
import type { WireSubscription } from './wire/frames.js';

export function toSubscription(w: WireSubscription): EventSubSubscription {
  const t = w.transport;
  const transport: EventSubSubscription['transport'] = { method: t.method };
  if (t.session_id !== undefined) transport.sessionId = t.session_id;
  if (t.callback !== undefined) transport.callback = t.callback;
  if (t.conduit_id !== undefined) transport.conduitId = t.conduit_id;
  return {
    id: w.id,
    status: w.status,
    type: w.type,
    version: w.version,
    cost: w.cost,
    condition: w.condition,
    transport,
    createdAt: w.created_at,
  };
}

/** The spec key of an existing subscription (conditions as strings; empty values dropped as Twitch does). */
export function keyOfSubscription(s: EventSubSubscription | WireSubscription): string {
  const cond = Object.keys(s.condition)
    .filter((k) => s.condition[k] !== '' && s.condition[k] !== null && s.condition[k] !== undefined)
    .sort()
    .map((k) => `${k}=${String(s.condition[k])}`)
    .join('&');
  return `${s.type}@${s.version}?${cond}`;
}
