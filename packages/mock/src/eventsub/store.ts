/** The hub's state: subscriptions and conduits with their shards. */
import type { HubSubscription, Transport } from './types.js';

export interface ShardState {
  id: string;
  status: string;
  transport:
    | { method: 'websocket'; session_id: string; connected_at?: string; disconnected_at?: string }
    | { method: 'webhook'; callback: string; secret?: string }
    | null;
}

export interface ConduitState {
  id: string;
  clientId: string;
  shards: ShardState[];
  /** Round-robin start for spreading deliveries over enabled shards. */
  next: number;
}

export class HubStore {
  readonly subscriptions = new Map<string, HubSubscription>();
  readonly conduits = new Map<string, ConduitState>();

  /** The subscription with the same type, version, condition and transport target, if any is alive. */
  findDuplicate(clientId: string, type: string, version: string, condition: Record<string, string>, t: Transport) {
    const cond = canonical(condition);
    for (const s of this.subscriptions.values()) {
      if (s.clientId !== clientId || s.type !== type || s.version !== version) continue;
      if (!isAlive(s.status) || canonical(s.condition) !== cond) continue;
      if (sameTarget(s.transport, t)) return s;
    }
    return undefined;
  }

  /** Subscriptions delivered over a session (directly, not through a conduit). */
  bySession(sessionId: string): HubSubscription[] {
    const out: HubSubscription[] = [];
    for (const s of this.subscriptions.values()) {
      if (s.transport.method === 'websocket' && s.transport.session_id === sessionId) out.push(s);
    }
    return out;
  }

  enabledCountOnSession(sessionId: string): number {
    let n = 0;
    for (const s of this.bySession(sessionId)) if (s.status === 'enabled') n++;
    return n;
  }
}

export function isAlive(status: string): boolean {
  return status === 'enabled' || status === 'webhook_callback_verification_pending';
}

export function canonical(condition: Record<string, string>): string {
  return JSON.stringify(
    Object.keys(condition)
      .sort()
      .map((k) => [k, condition[k]]),
  );
}

function sameTarget(a: Transport, b: Transport): boolean {
  if (a.method === 'websocket' && b.method === 'websocket') return a.session_id === b.session_id;
  if (a.method === 'webhook' && b.method === 'webhook') return a.callback === b.callback;
  if (a.method === 'conduit' && b.method === 'conduit') return a.conduit_id === b.conduit_id;
  return false;
}

/** A subscription matches a notification when every condition key they share is equal. */
export function matches(sub: HubSubscription, type: string, version: string, cond: Record<string, string>): boolean {
  if (sub.type !== type || sub.version !== version || sub.status !== 'enabled') return false;
  for (const [k, v] of Object.entries(sub.condition)) {
    const other = cond[k];
    if (other !== undefined && other !== v) return false;
  }
  return true;
}

/** Round-robin over a conduit's enabled shards: each message reaches exactly one of them. */
export function nextEnabledShard(conduit: ConduitState): ShardState | undefined {
  const n = conduit.shards.length;
  for (let i = 0; i < n; i++) {
    const idx = (conduit.next + i) % n;
    const shard = conduit.shards[idx];
    if (shard?.status !== 'enabled' || !shard.transport) continue;
    conduit.next = idx + 1;
    return shard;
  }
  return undefined;
}
