import type { Random } from '../random.js';
import type { UserState } from './wireTypes.js';

/** A seeded user as the handle lists it. */
export interface MockUser {
  id: string;
  login: string;
  displayName: string;
}

const names = ['streamer', 'moderator', 'viewer', 'vip', 'bot', 'lurker', 'editor', 'raider', 'gifter', 'chatter'];

/** Builds `count` users deterministically from the seed; users[0] is the main broadcaster (a partner). */
export function seedUsers(random: Random, count: number, createdAt: string): UserState[] {
  const users: UserState[] = [];
  const base = random.int(10_000_000, 89_999_999);
  for (let i = 0; i < count; i++) {
    const id = String(base + i * 7919);
    const name = `${names[i % names.length]}${i >= names.length ? i : ''}_${random.string(4, 'abcdefghijklmnopqrstuvwxyz')}`;
    users.push({
      id,
      login: name,
      display_name: name.charAt(0).toUpperCase() + name.slice(1),
      type: '',
      broadcaster_type: i === 0 ? 'partner' : i < 3 ? 'affiliate' : '',
      description: `Seeded user ${i}`,
      profile_image_url: `https://static-cdn.jtvnw.net/jtv_user_pictures/${id}-profile_image-300x300.png`,
      offline_image_url: '',
      view_count: 0,
      email: `${name}@example.invalid`,
      created_at: createdAt,
    });
  }
  return users;
}
