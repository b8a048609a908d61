import { type HelixRoute, helixError } from '../http/route.js';
import { postChatMessage } from '../ops/chatMessageOps.js';
import type { World } from '../state/world.js';
import { bodyOf, ok, unknownUser } from './routeHelpers.js';

/** Twitch's limit on a chat message, in characters. */
const MAX_MESSAGE = 500;

/**
 * POST /chat/messages (Twitch's "Send Chat Message"): a user token with `user:write:chat` whose user is
 * `sender_id` posts in `broadcaster_id`'s chat; the message is published as `channel.chat.message`. A reply names
 * the message it answers in `reply_parent_message_id`.
 */
export function chatMessageRoutes(world: World): HelixRoute[] {
  return [
    {
      method: 'POST',
      path: '/chat/messages',
      token: 'user',
      scopes: ['user:write:chat'],
      handle(req) {
        const body = bodyOf(req);
        const b = typeof body.broadcaster_id === 'string' ? body.broadcaster_id : '';
        const sender = typeof body.sender_id === 'string' ? body.sender_id : '';
        const message = body.message;
        if (!b) return helixError(400, 'The parameter "broadcaster_id" was malformed: the value must be a string');
        if (!sender) return helixError(400, 'The parameter "sender_id" was malformed: the value must be a string');
        if (typeof message !== 'string' || message.length === 0) {
          return helixError(400, 'The parameter "message" was malformed: the value must be a non-empty string');
        }
        const unknown = unknownUser(world, b, 'broadcaster_id') ?? unknownUser(world, sender, 'sender_id');
        if (unknown) return unknown;
        if (req.auth?.kind !== 'user' || req.auth.userId !== sender) {
          return helixError(401, 'The sender_id in the body must match the user ID in the access token.');
        }
        const parent = body.reply_parent_message_id;
        if (parent !== undefined && typeof parent !== 'string') {
          return helixError(400, 'The parameter "reply_parent_message_id" was malformed: the value must be a string');
        }
        if (message.length > MAX_MESSAGE) {
          return ok([
            { message_id: '', is_sent: false, drop_reason: { code: 'msg_too_long', message: 'Message is too long.' } },
          ]);
        }
        const line = postChatMessage(world, b, sender, message, 'api', parent);
        if (!line) return helixError(400, 'The reply_parent_message_id is not a message of this chat.');
        return ok([{ message_id: line.message_id, is_sent: true }]);
      },
    },
  ];
}
