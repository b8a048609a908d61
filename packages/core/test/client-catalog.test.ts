import { conditionKeys } from '@twitchify/eventsub';
import { RESOURCE_KINDS } from '@twitchify/mock';
import { describe, expect, it } from 'vitest';
import { defaultScopes } from '../src/client/built-in-flow.js';
import { CATALOG, catalogEntry, coverageFor, entriesForEvent } from '../src/index.js';

describe('the resource catalog', () => {
  it('covers every resource kind whose versions the emulator records, once, with its key template', () => {
    expect(CATALOG.map((e) => e.kind).sort()).toEqual([...RESOURCE_KINDS].sort());
    for (const e of CATALOG) {
      expect(e.key.startsWith(`${e.kind}:<`)).toBe(true);
      expect(e.ttlMs).toBeGreaterThan(0);
    }
  });

  it('names only event types the eventsub package decodes, at a version it knows', () => {
    const known = new Set(Object.keys(conditionKeys));
    for (const e of CATALOG) {
      for (const x of [...e.events, ...e.feeds])
        expect(known.has(`${x.type}@${x.version}`), `${x.type}@${x.version}`).toBe(true);
    }
  });

  it('says why each TTL-only read has no event, and gives every event-less read no feed', () => {
    for (const name of ['schedule.get', 'chat.getChannelEmotes']) {
      const e = catalogEntry(name)!;
      expect(e.feeds).toEqual([]);
      expect(e.ttlBoundBecause).toBeTruthy();
    }
    expect(catalogEntry('channels.getFollowers')!.ttlBoundBecause).toContain('unfollow');
    expect(catalogEntry('moderation.getBannedUsers')!.ttlBoundBecause).toContain('expires_at');
  });

  it('builds conditions per broadcaster, with the reader as moderator where Twitch needs one', () => {
    const follow = catalogEntry('followers')!.feeds[0]!;
    expect(follow.condition('1', '2')).toEqual({ broadcaster_user_id: '1', moderator_user_id: '2' });
    expect(catalogEntry('user')!.feeds[0]!.condition('7', '2')).toEqual({ user_id: '7' });
    expect(
      entriesForEvent('channel.update')
        .map((e) => e.kind)
        .sort(),
    ).toEqual(['channel', 'stream']);
  });

  it('reports a read as TTL-bounded when a feed scope is missing, and event-covered when granted', () => {
    const none = coverageFor(new Set());
    const all = coverageFor(new Set(defaultScopes()));
    const line = (l: typeof none, name: string) => l.find((x) => x.read === name)!;
    expect(line(none, 'moderation.getModerators').freshness).toBe('ttl-bounded');
    expect(line(none, 'moderation.getModerators').reasons[0]).toContain('moderation:read');
    expect(line(all, 'moderation.getModerators').freshness).toBe('event-covered');
    expect(line(all, 'channels.get').freshness).toBe('event-covered');
    expect(line(all, 'schedule.get').freshness).toBe('ttl-bounded');
  });
});
