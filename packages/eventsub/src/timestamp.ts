/**
 * Twitch writes message timestamps in RFC 3339 with nanoseconds (`2026-11-27T04:05:06.123456789Z`). `Date.parse`
 * keeps milliseconds only, and changes committed within one millisecond then look simultaneous: ordering changes by
 * their timestamps needs the digits past the millisecond.
 */
const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?\d*(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Milliseconds since the epoch of an RFC 3339 timestamp, with its fraction of a millisecond (to the precision a
 * double keeps at this magnitude, about a quarter of a microsecond); NaN when it is not a timestamp.
 */
export function timestampMs(text: string): number {
  const m = RFC3339.exec(text);
  if (m === null) return Number.NaN;
  const whole = Date.parse(`${m[1]}${m[3]}`);
  const nanos = Number((m[2] ?? '').padEnd(9, '0'));
  return whole + nanos / 1e6;
}
