import type { Stream } from '../../generated/helix-types.js';
import type { CachedReadOptions } from '../resource-cache.js';
import { checkId, first, type ResourceContext } from './context.js';

/** `client.streams`: whether a user is live, cached; kept fresh by stream.online/offline and channel.update. */
export class StreamsResource {
  readonly #c: ResourceContext;

  constructor(context: ResourceContext) {
    this.#c = context;
  }

  /** The user's live stream, or null when offline. */
  async get(userId: string, options?: CachedReadOptions): Promise<Stream | null> {
    const id = checkId('userId', userId);
    return this.#c.rc.read(
      'stream',
      id,
      undefined,
      async (signal) => first(await this.#c.helix.streams.getStreams({ userId: id }, { signal })),
      options,
    );
  }
}
