/**
 * The names `client.on` accepts: the life-cycle events and every EventSub subscription type the SDK knows. In plain
 * JavaScript a misspelt name would otherwise subscribe to nothing, silently.
 */
import { LIFECYCLE_EVENTS } from './events.js';
import { subscriptionTypes } from './websocket-feed.js';

let known: readonly string[] | undefined;

function knownNames(): readonly string[] {
  known ??= [...LIFECYCLE_EVENTS, ...subscriptionTypes().keys()].sort();
  return known;
}

/** Why `name` is not an event of the Client (naming the closest known names), or `undefined` when it is one. */
export function eventNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return `the event name must be a string, got ${typeof name}`;
  const names = knownNames();
  if (names.includes(name)) return undefined;
  const close = names
    .map((n) => ({ n, d: distance(name, n) }))
    .filter((x) => x.d <= Math.max(2, Math.floor(name.length / 3)))
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
    .slice(0, 3)
    .map((x) => `'${x.n}'`);
  const suggestion = close.length > 0 ? `; did you mean ${close.join(', ')}?` : '';
  return `unknown event '${name}'${suggestion} (life-cycle events: ${[...LIFECYCLE_EVENTS].join(', ')}; any other name is an EventSub subscription type such as 'channel.update')`;
}

/** Levenshtein distance (names are short). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}
