import type { WorldEvent } from '../state/world.js';

/**
 * A notification whose condition is the broadcaster alone, the shape of most channel types (`channel.update`,
 * `channel.poll.end`, `stream.online`, ...). `version` defaults to '1'.
 */
export function channelEvent(type: string, b: string, event: Record<string, unknown>, version = '1'): WorldEvent {
  return { type, version, condition: { broadcaster_user_id: b }, event };
}
