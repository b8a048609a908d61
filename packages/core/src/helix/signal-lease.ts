/**
 * A caller's AbortSignal is often long-lived and shared by many calls at once (the cache hands one signal, aborted
 * when it closes, to every load). Each call that listened on it directly (the middleware, the concurrency line, undici, the
 * batcher: an 'abort' listener each) would pile listeners onto it and make Node print
 * `MaxListenersExceededWarning` past 10. Instead every call leases a signal of its own, which aborts with the
 * caller's reason, and only one listener per caller signal fans the abort out to the leases in use. A lease is
 * released when its call ends; the last release removes that listener, so nothing stays on the caller's signal.
 */

/** A call's own signal, and the release to call (once or more) when the call has ended. */
export interface SignalLease {
  readonly signal: AbortSignal | undefined;
  release(): void;
}

interface FanOut {
  readonly leases: Set<AbortController>;
  readonly onAbort: () => void;
}

const fanOuts = new WeakMap<AbortSignal, FanOut>();
const none: SignalLease = { signal: undefined, release: () => {} };

/** Leases a signal that aborts when `parent` does. Without a parent there is nothing to lease. */
export function leaseSignal(parent: AbortSignal | undefined): SignalLease {
  if (parent === undefined) return none;
  // Already aborted: the call checks `aborted` and stops before listening on anything.
  if (parent.aborted) return { signal: parent, release: () => {} };
  let fan = fanOuts.get(parent);
  if (!fan) {
    const leases = new Set<AbortController>();
    const onAbort = () => {
      fanOuts.delete(parent);
      const all = [...leases];
      leases.clear();
      for (const lease of all) lease.abort(parent.reason);
    };
    fan = { leases, onAbort };
    fanOuts.set(parent, fan);
    parent.addEventListener('abort', onAbort, { once: true });
  }
  const own = new AbortController();
  const current = fan;
  current.leases.add(own);
  return {
    signal: own.signal,
    release: () => {
      if (!current.leases.delete(own) || current.leases.size > 0) return;
      parent.removeEventListener('abort', current.onAbort);
      if (fanOuts.get(parent) === current) fanOuts.delete(parent);
    },
  };
}
