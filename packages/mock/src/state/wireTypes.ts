/** The snake_case states the emulator stores per resource key, shaped as Helix serves them. */

export interface UserState {
  id: string;
  login: string;
  display_name: string;
  type: string;
  broadcaster_type: string;
  description: string;
  profile_image_url: string;
  offline_image_url: string;
  view_count: number;
  email: string;
  created_at: string;
}

export interface ChannelState {
  broadcaster_id: string;
  broadcaster_login: string;
  broadcaster_name: string;
  broadcaster_language: string;
  game_id: string;
  game_name: string;
  title: string;
  delay: number;
  tags: string[];
  content_classification_labels: string[];
  is_branded_content: boolean;
}

export interface StreamState {
  id: string;
  user_id: string;
  user_login: string;
  user_name: string;
  game_id: string;
  game_name: string;
  type: 'live';
  title: string;
  tags: string[];
  viewer_count: number;
  started_at: string;
  language: string;
  thumbnail_url: string;
  tag_ids: string[];
  is_mature: boolean;
}

/** A user in a list (moderators, VIPs). */
export interface UserRef {
  user_id: string;
  user_login: string;
  user_name: string;
}

export interface FollowState extends UserRef {
  followed_at: string;
}

export interface BanState extends UserRef {
  expires_at: string;
  created_at: string;
  reason: string;
  moderator_id: string;
  moderator_login: string;
  moderator_name: string;
}

export interface ChatSettingsState {
  broadcaster_id: string;
  slow_mode: boolean;
  slow_mode_wait_time: number | null;
  follower_mode: boolean;
  follower_mode_duration: number | null;
  subscriber_mode: boolean;
  emote_mode: boolean;
  unique_chat_mode: boolean;
  non_moderator_chat_delay: boolean;
  non_moderator_chat_delay_duration: number | null;
}

/** Any object with a string id (rewards, polls, predictions, goals, schedule segments). */
export type Row = Record<string, unknown> & { id: string };

export interface ScheduleState {
  segments: Row[];
  broadcaster_id: string;
  broadcaster_name: string;
  broadcaster_login: string;
  vacation: { start_time: string; end_time: string } | null;
}
