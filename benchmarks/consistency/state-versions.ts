/**
 * Maps the signatures of one non-list key (a channel's title, a stream's status, ...) to versions, from the key's
 * history: each version is named by the signatures `stateSigs` gives it (catalog.ts). A signature several versions
 * had (a stream offline again) is resolved by time: to the newest of them committed before `at`.
 */
import { type Resource, stateSigs } from './catalog.js';
import { type ListResolved, newestBefore } from './lists.js';

export class StateVersions {
  readonly #by = new Map<string, { version: number; committedAt: number }[]>();

  constructor(resource: Resource, history: readonly { version: number; committedAt: number; state: unknown }[]) {
    let prev: unknown;
    for (const h of history) {
      for (const sig of stateSigs(resource, h.state, prev)) {
        const list = this.#by.get(sig);
        const at = { version: h.version, committedAt: h.committedAt };
        if (list) list.push(at);
        else this.#by.set(sig, [at]);
      }
      prev = h.state;
    }
  }

  /** The version `sig` names when seen at `at`; -1 when no version had it. */
  resolve(sig: string, at = Number.POSITIVE_INFINITY): ListResolved {
    const list = this.#by.get(sig);
    if (!list) return { version: -1, phantom: false };
    return { version: newestBefore(list, at), phantom: false, ...(list.length > 1 ? { ambiguous: true } : {}) };
  }
}
