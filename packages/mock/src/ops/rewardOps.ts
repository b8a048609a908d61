import type { ChangeOrigin } from '../state/versionedStore.js';
import type { Row } from '../state/wireTypes.js';
import type { World } from '../state/world.js';
import { channelEvent } from './channelEvent.js';

/** The fields a reward create or update may carry (Helix body names). */
export type RewardInput = Partial<{
  title: string;
  cost: number;
  prompt: string;
  is_enabled: boolean;
  background_color: string;
  is_user_input_required: boolean;
  is_max_per_stream_enabled: boolean;
  max_per_stream: number;
  is_max_per_user_per_stream_enabled: boolean;
  max_per_user_per_stream: number;
  is_global_cooldown_enabled: boolean;
  global_cooldown_seconds: number;
  is_paused: boolean;
  should_redemptions_skip_request_queue: boolean;
}>;

const defaultImage = {
  url_1x: 'https://static-cdn.jtvnw.net/custom-reward-images/default-1.png',
  url_2x: 'https://static-cdn.jtvnw.net/custom-reward-images/default-2.png',
  url_4x: 'https://static-cdn.jtvnw.net/custom-reward-images/default-4.png',
};

function apply(row: Row, input: RewardInput): Row {
  const next: Row = { ...row };
  const simple = ['title', 'cost', 'prompt', 'is_enabled', 'background_color', 'is_user_input_required', 'is_paused'];
  for (const k of [...simple, 'should_redemptions_skip_request_queue']) {
    const v = (input as Record<string, unknown>)[k];
    if (v !== undefined) next[k] = v;
  }
  const mps = next.max_per_stream_setting as { is_enabled: boolean; max_per_stream: number };
  next.max_per_stream_setting = {
    is_enabled: input.is_max_per_stream_enabled ?? mps.is_enabled,
    max_per_stream: input.max_per_stream ?? mps.max_per_stream,
  };
  const mpu = next.max_per_user_per_stream_setting as { is_enabled: boolean; max_per_user_per_stream: number };
  next.max_per_user_per_stream_setting = {
    is_enabled: input.is_max_per_user_per_stream_enabled ?? mpu.is_enabled,
    max_per_user_per_stream: input.max_per_user_per_stream ?? mpu.max_per_user_per_stream,
  };
  const gc = next.global_cooldown_setting as { is_enabled: boolean; global_cooldown_seconds: number };
  next.global_cooldown_setting = {
    is_enabled: input.is_global_cooldown_enabled ?? gc.is_enabled,
    global_cooldown_seconds: input.global_cooldown_seconds ?? gc.global_cooldown_seconds,
  };
  return next;
}

/** The reward as EventSub sends it (`max_per_stream: { is_enabled, value }`, ...). */
function rewardEvent(world: World, b: string, r: Row): Record<string, unknown> {
  const mps = r.max_per_stream_setting as { is_enabled: boolean; max_per_stream: number };
  const mpu = r.max_per_user_per_stream_setting as { is_enabled: boolean; max_per_user_per_stream: number };
  const gc = r.global_cooldown_setting as { is_enabled: boolean; global_cooldown_seconds: number };
  return {
    id: r.id,
    ...world.broadcasterFields(b),
    is_enabled: r.is_enabled,
    is_paused: r.is_paused,
    is_in_stock: r.is_in_stock,
    title: r.title,
    cost: r.cost,
    prompt: r.prompt,
    is_user_input_required: r.is_user_input_required,
    should_redemptions_skip_request_queue: r.should_redemptions_skip_request_queue,
    cooldown_expires_at: r.cooldown_expires_at,
    redemptions_redeemed_current_stream: r.redemptions_redeemed_current_stream,
    max_per_stream: { is_enabled: mps.is_enabled, value: mps.max_per_stream },
    max_per_user_per_stream: { is_enabled: mpu.is_enabled, value: mpu.max_per_user_per_stream },
    global_cooldown: { is_enabled: gc.is_enabled, seconds: gc.global_cooldown_seconds },
    background_color: r.background_color,
    image: r.image,
    default_image: r.default_image,
  };
}

function rewardNotice(world: World, b: string, r: Row, action: 'add' | 'update' | 'remove') {
  return channelEvent(`channel.channel_points_custom_reward.${action}`, b, rewardEvent(world, b, r));
}

/** A reward's uploaded images (Twitch: `image` is null until the broadcaster uploads some, on twitch.tv only). */
export interface RewardImage {
  url_1x: string;
  url_2x: string;
  url_4x: string;
}

/** Creates a reward (with `image` when uploaded on twitch.tv); publishes `channel.channel_points_custom_reward.add`. */
export function createReward(
  world: World,
  b: string,
  input: RewardInput,
  origin: ChangeOrigin,
  image: RewardImage | null = null,
): Row {
  const u = world.user(b);
  const base: Row = {
    broadcaster_name: u.display_name,
    broadcaster_login: u.login,
    broadcaster_id: b,
    id: world.newId(),
    image,
    background_color: '#9147FF',
    is_enabled: true,
    cost: 1,
    title: '',
    prompt: '',
    is_user_input_required: false,
    max_per_stream_setting: { is_enabled: false, max_per_stream: 0 },
    max_per_user_per_stream_setting: { is_enabled: false, max_per_user_per_stream: 0 },
    global_cooldown_setting: { is_enabled: false, global_cooldown_seconds: 0 },
    is_paused: false,
    is_in_stock: true,
    default_image: defaultImage,
    should_redemptions_skip_request_queue: false,
    redemptions_redeemed_current_stream: null,
    cooldown_expires_at: null,
  };
  const reward = apply(base, input);
  const list = world.truth<Row[]>(`rewards:${b}`);
  world.commit(`rewards:${b}`, [...list, reward], origin, [rewardNotice(world, b, reward, 'add')]);
  return reward;
}

/** Updates a reward; publishes `...update`. Undefined when no such reward. */
export function updateReward(world: World, b: string, id: string, input: RewardInput, origin: ChangeOrigin) {
  const list = world.truth<Row[]>(`rewards:${b}`);
  const current = list.find((r) => r.id === id);
  if (!current) return undefined;
  const next = apply(current, input);
  world.commit(
    `rewards:${b}`,
    list.map((r) => (r.id === id ? next : r)),
    origin,
    [rewardNotice(world, b, next, 'update')],
  );
  return next;
}

/** Deletes a reward; publishes `...remove`. False when no such reward. */
export function deleteReward(world: World, b: string, id: string, origin: ChangeOrigin): boolean {
  const list = world.truth<Row[]>(`rewards:${b}`);
  const current = list.find((r) => r.id === id);
  if (!current) return false;
  world.commit(
    `rewards:${b}`,
    list.filter((r) => r.id !== id),
    origin,
    [rewardNotice(world, b, current, 'remove')],
  );
  return true;
}
