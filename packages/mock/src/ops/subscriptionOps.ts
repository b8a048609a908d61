import type { ChangeOrigin } from '../state/versionedStore.js';
import type { Row } from '../state/wireTypes.js';
import type { World } from '../state/world.js';
import { channelEvent } from './channelEvent.js';

/** A subscriber row as Helix lists it. */
export type SubscriptionRow = Record<string, unknown> & { user_id: string; tier: string; is_gift: boolean };

/** A viewer subscribes; publishes `channel.subscribe`. Replaces an existing subscription of that user. */
export function subscribe(
  world: World,
  b: string,
  u: string,
  opts: { tier?: '1000' | '2000' | '3000'; gifterId?: string },
  origin: ChangeOrigin,
): SubscriptionRow {
  const broadcaster = world.user(b);
  const user = world.ref(u);
  const gifter = opts.gifterId ? world.ref(opts.gifterId) : undefined;
  const tier = opts.tier ?? '1000';
  const row: SubscriptionRow = {
    broadcaster_id: b,
    broadcaster_login: broadcaster.login,
    broadcaster_name: broadcaster.display_name,
    gifter_id: gifter?.user_id ?? '',
    gifter_login: gifter?.user_login ?? '',
    gifter_name: gifter?.user_name ?? '',
    is_gift: gifter !== undefined,
    tier,
    plan_name: `Channel Subscription (${broadcaster.login})`,
    user_id: user.user_id,
    user_name: user.user_name,
    user_login: user.user_login,
  };
  const list = world.truth<SubscriptionRow[]>(`subscriptions:${b}`).filter((s) => s.user_id !== u);
  world.commit(`subscriptions:${b}`, [...list, row], origin, [
    channelEvent('channel.subscribe', b, {
      ...world.userFields(u),
      ...world.broadcasterFields(b),
      tier,
      is_gift: row.is_gift,
    }),
  ]);
  return row;
}

/** A subscription ends; publishes `channel.subscription.end`. */
export function unsubscribe(world: World, b: string, u: string, origin: ChangeOrigin): boolean {
  const list = world.truth<SubscriptionRow[]>(`subscriptions:${b}`);
  const row = list.find((s) => s.user_id === u);
  if (!row) return false;
  world.commit(
    `subscriptions:${b}`,
    list.filter((s) => s.user_id !== u),
    origin,
    [
      channelEvent('channel.subscription.end', b, {
        ...world.userFields(u),
        ...world.broadcasterFields(b),
        tier: row.tier,
        is_gift: row.is_gift,
      }),
    ],
  );
  return true;
}

/** Subscription points per tier, as Twitch counts them. */
export function points(rows: readonly Row[] | readonly SubscriptionRow[]): number {
  const per: Record<string, number> = { '1000': 1, '2000': 2, '3000': 6 };
  return rows.reduce((sum, r) => sum + (per[String(r.tier)] ?? 0), 0);
}
