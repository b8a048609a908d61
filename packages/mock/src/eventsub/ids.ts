/** Identifiers drawn from the hub's seeded random source, so that a seed replays the same ids. */

const hex = '0123456789abcdef';
const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

function draw(random: () => number, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}

/** A v4-shaped UUID, as Twitch uses for message and subscription ids. */
export function uuid(random: () => number): string {
  const h = draw(random, hex, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

/** A session id shaped like Twitch's (`AQoQ...`). */
export function sessionId(random: () => number): string {
  return `AQoQ${draw(random, b64, 24)}`;
}

/**
 * RFC 3339 with nanoseconds, as Twitch writes message timestamps; the fraction of a millisecond of `ms` is kept (to
 * the microsecond a double holds at this magnitude), so that changes committed within one millisecond keep their
 * order.
 */
export function timestamp(ms: number): string {
  const whole = Math.floor(ms);
  const nanos = Math.min(999_999, Math.floor((ms - whole) * 1e6));
  return new Date(whole).toISOString().replace('Z', `${String(nanos).padStart(6, '0')}Z`);
}
