/**
 * The shape of the value each catalog read caches, as the Client's resources build it from Helix's answers (the
 * first item or null, the whole list, or the whole answer). Values read back from a shared cache are checked
 * against it before use (see {@link cachedValueValid}): a value of another shape (another version of the app wrote
 * it, or anything else did) is a miss, never served.
 */
import { z } from 'zod';
import * as wire from '../generated/helix-schemas.js';
import { publicSchemaOf } from '../helix/wire.js';
import type { ResourceKind } from './types.js';

const firstOf = (item: z.ZodType) => publicSchemaOf(item).nullable();
const listOf = (item: z.ZodType) => z.array(publicSchemaOf(item));
const answerOf = (response: z.ZodType) => publicSchemaOf(response);

/** Per kind: the schema of its cached value (a record over every kind, so a new kind cannot lack one). */
const VALUE_SCHEMAS: Record<ResourceKind, () => z.ZodType> = {
  user: () => firstOf(wire.UserWire),
  channel: () => firstOf(wire.ChannelInformationWire),
  stream: () => firstOf(wire.StreamWire),
  followers: () => answerOf(wire.GetChannelFollowersResponseWire),
  moderators: () => listOf(wire.UserModeratorWire),
  vips: () => listOf(wire.UserVipWire),
  bans: () => listOf(wire.BannedUserWire),
  rewards: () => listOf(wire.CustomRewardWire),
  polls: () => answerOf(wire.GetPollsResponseWire),
  predictions: () => answerOf(wire.GetPredictionsResponseWire),
  chat_settings: () => firstOf(wire.ChatSettingsWire),
  goals: () => answerOf(wire.GetCreatorGoalsResponseWire),
  hype_train: () => answerOf(wire.GetHypeTrainStatusResponseWire),
  subscriptions: () => answerOf(wire.GetBroadcasterSubscriptionsResponseWire),
  schedule: () => answerOf(wire.GetChannelStreamScheduleResponseWire),
  emotes: () => answerOf(wire.GetChannelEmotesResponseWire),
};

const built = new Map<string, z.ZodType>();

/**
 * Whether `value`, read from the cache under `key` (`<kind>:<id>`, `@<reader>` for per-reader copies), has the
 * shape of its kind's cached value. Keys of no catalog kind are not the Client's: accepted as they are.
 */
export function cachedValueValid(key: string, value: unknown): boolean {
  const kind = key.slice(0, key.indexOf(':'));
  if (!Object.hasOwn(VALUE_SCHEMAS, kind)) return true;
  let schema = built.get(kind);
  if (schema === undefined) {
    schema = VALUE_SCHEMAS[kind as ResourceKind]();
    built.set(kind, schema);
  }
  return schema.safeParse(value).success;
}
