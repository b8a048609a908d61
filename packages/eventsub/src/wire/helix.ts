/** The Helix EventSub answers (snake_case) and their checks; unknown fields pass through. */
import { array, type Check, nullable, number, object, optional, string } from './check.js';
import { type WireSubscription, wireSubscription } from './frames.js';

interface Page {
  pagination?: { cursor?: string | undefined; [field: string]: unknown } | undefined;
}

export interface SubscriptionList extends Page {
  data: WireSubscription[];
  total?: number | undefined;
}

export interface ConduitList {
  data: { id: string; shard_count: number; [field: string]: unknown }[];
}

export interface WireShard {
  id: string;
  status: string;
  transport?: {
    method?: string | undefined;
    session_id?: string | undefined;
    callback?: string | undefined;
    connected_at?: string | undefined;
    disconnected_at?: string | undefined;
    [field: string]: unknown;
  } | null;
  [field: string]: unknown;
}

export interface ShardList extends Page {
  data: WireShard[];
}

export interface ShardUpdate {
  data: WireShard[];
  errors?: { id: string; message: string; code?: string | undefined }[] | undefined;
}

/** A checked answer type: the check, and (for the compiler only) the type it proves. */
export type Answer<T> = Check & { readonly __type?: T };

const pagination = optional(object({ cursor: optional(string) }));

const shard = object({
  id: string,
  status: string,
  transport: optional(
    nullable(
      object({
        method: optional(string),
        session_id: optional(string),
        callback: optional(string),
        connected_at: optional(string),
        disconnected_at: optional(string),
      }),
    ),
  ),
});

export const subscriptionList: Answer<SubscriptionList> = object({
  data: array(wireSubscription),
  total: optional(number),
  pagination,
});

export const conduitList: Answer<ConduitList> = object({ data: array(object({ id: string, shard_count: number })) });

export const shardList: Answer<ShardList> = object({ data: array(shard), pagination });

export const shardUpdate: Answer<ShardUpdate> = object({
  data: array(shard),
  errors: optional(array(object({ id: string, message: string, code: optional(string) }))),
});
