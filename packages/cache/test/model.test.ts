import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { covers, coversAll, type Op, scopesOf } from '../src/model/ops.js';
import { EMPTY, type KeyState } from '../src/model/state.js';
import {
  answerWrite,
  beginWrite,
  collect,
  failWrite,
  fill,
  isHeld,
  nextDeadline,
  record,
  showWrite,
} from '../src/model/transitions.js';
import { view } from '../src/model/view.js';

/** The rules of the coherence model, as pure functions of a key's state. Positions are milliseconds. */

const LAG = 2_000;
const set = (fields: Record<string, unknown>): Op => ({ op: 'set', fields });
const add = (id: string, extra: Record<string, unknown> = {}): Op => ({
  op: 'add',
  idField: 'user_id',
  item: { user_id: id, ...extra },
});
const remove = (id: string): Op => ({ op: 'remove', idField: 'user_id', id });

function filled(json: unknown, readPos: number, state: KeyState = EMPTY, variant = ''): KeyState {
  const step = fill(state, { variant, json, readPos, ttlMs: 60_000 }, readPos);
  expect(step.result).toBe('stored');
  return step.state;
}

function change(state: KeyState, id: string, pos: number, ops: Op[]): KeyState {
  return record(state, { id, pos, ops, lagMs: LAG }).state;
}

function shown(state: KeyState, now: number, variant = ''): unknown {
  const v = view(state, variant, now);
  return v.found ? v.value : 'MISS';
}

describe('the view: a base with the changes the source may not reflect laid over it', () => {
  it('lays a change over a base read before the source could reflect it, and not over one read after', () => {
    const early = change(filled({ title: 'a', lang: 'en' }, 1_000), 'e1', 1_500, [set({ title: 'b' })]);
    expect(shown(early, 2_000)).toEqual({ title: 'b', lang: 'en' });
    // a base read once the lag had passed reflects the change (here: a later change elsewhere shows through)
    const late = filled({ title: 'c', lang: 'en' }, 1_500 + LAG, early);
    expect(shown(late, 4_000)).toEqual({ title: 'c', lang: 'en' });
  });

  it('a member added in one change and another in a second are both in the list, whatever the base', () => {
    let s = filled([{ user_id: '1' }], 1_000);
    s = change(s, 'a', 1_100, [add('2')]);
    s = change(s, 'b', 1_100, [add('3')]);
    expect(shown(s, 1_200)).toEqual([{ user_id: '1' }, { user_id: '2' }, { user_id: '3' }]);
    // a base read in between that shows only one of them still shows both
    s = filled([{ user_id: '1' }, { user_id: '3' }], 1_150, s);
    expect(shown(s, 1_200)).toEqual([{ user_id: '1' }, { user_id: '3' }, { user_id: '2' }]);
  });

  it('without a base, a put gives the value and what follows is laid over it; other changes alone are a miss', () => {
    expect(shown(change(EMPTY, 'x', 1, [set({ title: 't' })]), 2)).toBe('MISS');
    let s = change(EMPTY, 'p', 1, [{ op: 'put', value: { title: 'p', lang: 'de' } }]);
    s = change(s, 'x', 2, [set({ title: 'q' })]);
    expect(shown(s, 3)).toEqual({ title: 'q', lang: 'de' });
  });

  it('a reload distrusts the bases read before it; a base read after it lives only until the source reflects it', () => {
    let s = filled({ n: 1 }, 1_000);
    s = change(s, 'r', 2_000, [{ op: 'reload' }]);
    expect(shown(s, 2_100)).toBe('MISS');
    expect(fill(s, { variant: '', json: { n: 1 }, readPos: 1_900, ttlMs: 60_000 }, 2_100).result).toBe('refused');
    const after = fill(s, { variant: '', json: { n: 2 }, readPos: 2_100, ttlMs: 60_000 }, 2_100).state;
    expect(shown(after, 2_200)).toEqual({ n: 2 });
    expect(shown(after, 2_000 + LAG)).toBe('MISS'); // expired when the reload's lag ended: load again
  });

  it('keeps a base per variant (reader) and lays one change over each', () => {
    let s = filled([{ user_id: '1' }], 1_000, EMPTY, 'reader-a');
    s = filled([{ user_id: '1', note: 'b sees more' }], 1_000, s, 'reader-b');
    s = change(s, 'rm', 1_100, [remove('1')]);
    expect(shown(s, 1_200, 'reader-a')).toEqual([]);
    expect(shown(s, 1_200, 'reader-b')).toEqual([]);
    expect(shown(s, 1_200, 'reader-c')).toBe('MISS');
  });
});

describe('gaps', () => {
  const feed = (epoch: number, covered = true) =>
    new Map([['f', { epoch, covered, coveredForMs: covered ? 60_000 : 0 }]]);

  it('a whole value recorded under a feed is served without a base only while the feed has had no gap', () => {
    const live = { id: 's1', title: '' };
    const put: Op = { op: 'put', value: live };
    const s = record(EMPTY, { id: 'online', pos: 1_000, ops: [put], lagMs: 60_000, feeds: ['f'] }, feed(3)).state;
    expect(view(s, '', 2_000, feed(3), ['f'])).toMatchObject({ found: true, value: live });
    // a gap moved the feed: the change may have been followed by one nobody heard
    expect(view(s, '', 2_000, feed(4), ['f']).found).toBe(false);
    expect(view(s, '', 2_000, feed(3, false), ['f']).found).toBe(false);
    // over a base read after the gap it is still laid (that base may not show it yet)
    const b = fill(s, { variant: '', json: null, readPos: 1_500, ttlMs: 60_000, feeds: { f: 4 } }, 1_500, feed(4));
    expect(view(b.state, '', 2_000, feed(4), ['f'])).toMatchObject({ found: true, value: live });
  });

  it('a base stored without feeds is not used by a reader that names feeds, and such a reader replaces it', () => {
    const bare = filled({ title: 'unbound' }, 1_000);
    expect(view(bare, '', 1_500, feed(3), ['f']).found).toBe(false);
    expect(view(bare, '', 1_500).found).toBe(true);
    // an earlier load under the feed replaces it (the one a gap can revalidate), a later load without feeds does not
    const bound = fill(
      bare,
      { variant: '', json: { title: 'bound' }, readPos: 900, ttlMs: 60_000, feeds: { f: 3 } },
      1_200,
      feed(3),
    );
    expect(bound.result).toBe('stored');
    const again = fill(bound.state, { variant: '', json: { title: 'x' }, readPos: 800, ttlMs: 60_000 }, 1_300, feed(3));
    expect(again.result).toBe('refused');
  });

  it('a change recorded while its feed was not covered is never served without a base', () => {
    const put: Op = { op: 'put', value: null };
    const s = record(EMPTY, { id: 'offline', pos: 1_000, ops: [put], lagMs: 60_000, feeds: ['f'] }, feed(3, false));
    expect(view(s.state, '', 2_000, feed(3), ['f']).found).toBe(false);
  });
});

describe('scopes', () => {
  it('the whole value covers all, a field covers its members, a member covers only itself', () => {
    expect(scopesOf([set({ title: 1, lang: 2 }), add('7'), { op: 'reload' }])).toEqual(['title', 'lang', '#7', '*']);
    expect(covers('*', 'title')).toBe(true);
    expect(covers('data', 'data#1')).toBe(true);
    expect(covers('dat', 'data#1')).toBe(false);
    expect(covers('data#1', 'data')).toBe(false);
    expect(covers('', '#1')).toBe(false);
    expect(covers('#1', '#2')).toBe(false);
    expect(coversAll(['title', 'lang'], ['lang'])).toBe(true);
    expect(coversAll(['title'], ['title', 'lang'])).toBe(false);
  });
});

describe('a source that flaps for a minute (streams)', () => {
  it('a stream announced live stays live over answers that flap back, and a fuller answer of it is kept', () => {
    const FLAP = 60_000;
    const built = { id: 's1', type: 'live', title: '' };
    const online: Op = { op: 'put', value: built, unlessSameId: 'id' };
    let s = filled(null, 1_000);
    s = record(s, { id: 'online', pos: 1_100, ops: [online], lagMs: FLAP }).state;
    expect(shown(s, 1_200)).toEqual(built);
    s = filled({ id: 's1', type: 'live', title: 'Hello' }, 5_000, s);
    expect(shown(s, 5_000)).toEqual({ id: 's1', type: 'live', title: 'Hello' });
    s = filled(null, 10_000, s); // Helix flaps back to offline
    expect(shown(s, 10_000)).toEqual(built);
    s = record(s, { id: 'offline', pos: 20_000, ops: [{ op: 'put', value: null }], lagMs: FLAP }).state;
    s = filled({ id: 's1', type: 'live', title: 'Hello' }, 25_000, s); // flapping after the end too
    expect(shown(s, 25_000)).toBeNull();
    s = filled(null, 20_000 + FLAP, s);
    expect(shown(collect(s, 20_000 + FLAP), 20_000 + FLAP)).toBeNull();
  });
});

describe('recording changes', () => {
  it('records an id once, ignores an older change a newer one covers, and drops what a newer one supersedes', () => {
    let s = filled({ title: 'a' }, 0);
    const first = record(s, { id: 'e2', pos: 200, ops: [set({ title: 'new' })], lagMs: LAG });
    expect(first.result).toBe('applied');
    s = first.state;
    expect(record(s, { id: 'e2', pos: 200, ops: [set({ title: 'new' })], lagMs: LAG }).result).toBe('duplicate');
    expect(record(s, { id: 'e1', pos: 100, ops: [set({ title: 'old' })], lagMs: LAG }).result).toBe('superseded');
    expect(shown(s, 300)).toEqual({ title: 'new' });
    const newer = record(s, { id: 'e3', pos: 300, ops: [set({ title: 'newest' })], lagMs: LAG }).state;
    expect(newer.log.map((e) => e.id)).toEqual(['e3']);
  });

  it('an older change on other fields is still laid, under the newer ones', () => {
    let s = filled({ title: 'a', lang: 'en' }, 0);
    s = change(s, 'e2', 200, [set({ title: 'b' })]);
    s = change(s, 'e1', 100, [set({ title: 'z', lang: 'fr' })]);
    expect(shown(s, 300)).toEqual({ title: 'b', lang: 'fr' });
  });

  it('member changes in any arrival order, with duplicates, give the view of their Twitch order', () => {
    const ids = ['1', '2', '3', '4'];
    const event = fc.record({ user: fc.constantFrom(...ids), added: fc.boolean() });
    fc.assert(
      fc.property(
        fc.array(event, { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (events, swaps, dups) => {
          const changes = events.map((e, i) => ({
            id: `m${i}`,
            pos: 1_000 + i * 10,
            ops: [e.added ? add(e.user) : remove(e.user)],
            lagMs: LAG,
          }));
          const arrival = [...changes];
          for (const k of swaps) {
            const a = k % arrival.length;
            const b = (k * 7 + 3) % arrival.length;
            [arrival[a], arrival[b]] = [arrival[b] as (typeof arrival)[0], arrival[a] as (typeof arrival)[0]];
          }
          for (const k of dups) arrival.push(changes[k % changes.length] as (typeof changes)[0]);
          let s = filled([], 500);
          for (const c of arrival) s = record(s, c).state;
          const expected = new Set<string>();
          for (const e of events) e.added ? expected.add(e.user) : expected.delete(e.user);
          const members = (shown(s, 1_500) as Array<{ user_id: string }>).map((m) => m.user_id).sort();
          expect(members).toEqual([...expected].sort());
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

describe('writes', () => {
  it('invisible until answered, visible at once when answered, gone when failed', () => {
    let s = filled({ title: 'a' }, 0);
    s = beginWrite(s, { id: 'w', from: 100, ops: [set({ title: 'w' })], lagMs: LAG, openMs: 15_000 }).state;
    expect(shown(s, 150)).toEqual({ title: 'a' });
    const answered = answerWrite(s, { id: 'w', to: 200, lagMs: LAG, holdMs: 3_000 }).state;
    expect(shown(answered, 250)).toEqual({ title: 'w' });
    expect(shown(failWrite(s, 'w').state, 250)).toEqual({ title: 'a' });
  });

  it("an event inside the window is held; the write's own event places the write, in either commit order", () => {
    const open = (): KeyState => {
      let s = filled({ title: 'a' }, 0);
      s = beginWrite(s, { id: 'w', from: 100, ops: [set({ title: 'mine' })], lagMs: LAG, openMs: 15_000 }).state;
      return answerWrite(s, { id: 'w', to: 300, lagMs: LAG, holdMs: 3_000 }).state;
    };
    // another app's change committed at 150, Twitch committed ours at 250: ours wins
    let s = open();
    const other = record(s, { id: 'x', pos: 150, ops: [set({ title: 'theirs' })], lagMs: LAG });
    expect(other.result).toBe('held');
    s = other.state;
    expect(shown(s, 320)).toEqual({ title: 'mine' });
    s = change(s, 'own', 250, [set({ title: 'mine' })]);
    expect(isHeld(s, 'x')).toBe(false);
    expect(shown(s, 320)).toEqual({ title: 'mine' });

    // ours committed at 120, theirs at 150: theirs wins once ours is placed
    s = open();
    s = change(s, 'x', 150, [set({ title: 'theirs' })]);
    expect(isHeld(s, 'x')).toBe(true);
    s = change(s, 'own', 120, [set({ title: 'mine' })]);
    expect(isHeld(s, 'x')).toBe(false);
    expect(shown(s, 320)).toEqual({ title: 'theirs' });
  });

  it('a change after the answer but before the latest its commit can be is held, and laid under the write meanwhile', () => {
    let s = filled({ title: 'a' }, 0);
    s = beginWrite(s, { id: 'w', from: 100, ops: [set({ title: 'mine' })], lagMs: LAG, openMs: 15_000 }).state;
    // the answer at 200 on a clock that may run early; Twitch committed no later than 900
    s = answerWrite(s, { id: 'w', to: 200, until: 900, lagMs: LAG, holdMs: 3_000 }).state;
    const late = record(s, { id: 'x', pos: 500, ops: [set({ title: 'theirs' })], lagMs: LAG });
    expect(late.result).toBe('held');
    expect(shown(late.state, 600)).toEqual({ title: 'mine' });
    // the own event says Twitch committed the write at 450: the change after it wins
    const placed = change(late.state, 'own', 450, [set({ title: 'mine' })]);
    expect(isHeld(placed, 'x')).toBe(false);
    expect(shown(placed, 600)).toEqual({ title: 'theirs' });
    // past `until`, a change is after the write whatever its own event says
    expect(record(s, { id: 'y', pos: 950, ops: [set({ title: 'later' })], lagMs: LAG }).result).toBe('applied');
  });

  it('two writes of one field whose spans overlap are hidden until their own events give the order', () => {
    let s = filled({ title: 'a' }, 0);
    s = beginWrite(s, { id: 'p', from: 100, ops: [set({ title: 'p' })], lagMs: LAG, openMs: 15_000 }).state;
    s = beginWrite(s, { id: 'q', from: 105, ops: [set({ title: 'q' })], lagMs: LAG, openMs: 15_000 }).state;
    s = answerWrite(s, { id: 'q', to: 140, until: 400, lagMs: LAG, holdMs: 3_000 }).state;
    // p is still on its way: q may be committed before or after it, so q is not shown, and its call may not return
    expect(shown(s, 150)).toEqual({ title: 'a' });
    expect(showWrite(s, 'q').result).toBe(false);
    s = answerWrite(s, { id: 'p', to: 150, until: 400, lagMs: LAG, holdMs: 3_000 }).state;
    expect(showWrite(s, 'p').result).toBe(false);
    // Twitch committed q at 120, p at 130: once both are placed, p is the title
    s = change(s, 'own-q', 120, [set({ title: 'q' })]);
    s = change(s, 'own-p', 130, [set({ title: 'p' })]);
    expect(showWrite(s, 'p').result).toBe(true);
    expect(shown(s, 200)).toEqual({ title: 'p' });
  });

  it('a shown write stays shown; a write of the same process sent after its answer is after it, placed or not', () => {
    const write = (s: KeyState, id: string, from: number, to: number, writer: string): KeyState => {
      const begun = beginWrite(s, { id, from, ops: [set({ title: id })], lagMs: LAG, openMs: 15_000, writer }).state;
      return answerWrite(begun, { id, to, until: 900, lagMs: LAG, holdMs: 3_000 }).state;
    };
    let s = write(filled({ title: 'a' }, 0), 'first', 100, 150, 'p1');
    const shownFirst = showWrite(s, 'first');
    expect(shownFirst.result).toBe(true);
    s = shownFirst.state;
    // the same process, sent after the first's answer (one clock): laid after it, whether its own event comes or not
    const second = write(s, 'second', 160, 200, 'p1');
    expect(showWrite(second, 'second').result).toBe(true);
    expect(shown(second, 250)).toEqual({ title: 'second' });
    expect(shown(change(second, 'own-second', 180, [set({ title: 'second' })]), 250)).toEqual({ title: 'second' });
    // another process's write at the same positions: its clock may be behind by its error, so the order is not known
    // until its own event places it; the shown first write stays shown meanwhile
    const other = write(s, 'other', 160, 200, 'p2');
    expect(showWrite(other, 'other').result).toBe(false);
    expect(shown(other, 250)).toEqual({ title: 'first' });
    // placed by its own event at 180, it is still hidden while the first, unplaced, may have committed after 180
    const placed = change(other, 'own-other', 180, [set({ title: 'other' })]);
    expect(showWrite(placed, 'other').result).toBe(false);
    expect(shown(placed, 250)).toEqual({ title: 'first' });
    // the first's own event: committed at 120, so the other is the later one
    const both = change(placed, 'own-first', 120, [set({ title: 'first' })]);
    expect(showWrite(both, 'other').result).toBe(true);
    expect(shown(both, 250)).toEqual({ title: 'other' });
  });

  it('without its own event, an answered write keeps its place once the hold ends; an unanswered one is dropped', () => {
    let s = filled({ title: 'a' }, 0);
    s = beginWrite(s, { id: 'w', from: 100, ops: [set({ title: 'mine' })], lagMs: LAG, openMs: 15_000 }).state;
    s = answerWrite(s, { id: 'w', to: 300, lagMs: LAG, holdMs: 3_000 }).state;
    s = change(s, 'x', 150, [set({ title: 'theirs' })]);
    expect(nextDeadline(s)).toBeLessThanOrEqual(300 + 3_000);
    s = collect(s, 3_300);
    expect(isHeld(s, 'x')).toBe(false);
    expect(shown(s, 3_300)).toEqual({ title: 'mine' });

    let dead = filled({ title: 'a' }, 0);
    dead = beginWrite(dead, { id: 'w', from: 100, ops: [set({ title: 'mine' })], lagMs: LAG, openMs: 15_000 }).state;
    dead = collect(dead, 15_100);
    expect(dead.log).toEqual([]);
  });
});

describe('collecting', () => {
  it('drops expired bases and the changes every base and the source reflect; keeps what a base still needs', () => {
    let s = filled({ title: 'a' }, 1_000);
    s = change(s, 'e', 1_100, [set({ title: 'b' })]);
    expect(collect(s, 1_100 + LAG).log.length).toBe(1); // the base, read at 1 000, still needs it
    s = filled({ title: 'b' }, 1_100 + LAG, s);
    expect(collect(s, 1_100 + LAG).log.length).toBe(0);
    expect(collect(s, 1_100 + LAG + 60_000).bases).toEqual({});
  });

  it('folds the oldest changes into the bases when the log is full, and refuses fills that may lack them', () => {
    let s = filled([], 0);
    for (let i = 0; i < 20; i++) s = change(s, `a${i}`, 100 + i, [add(String(i))]);
    const folded = collect(s, 200, { maxLog: 5 });
    expect(folded.log.length).toBe(5);
    expect((shown(folded, 200) as unknown[]).length).toBe(20);
    expect(fill(folded, { variant: '', json: [], readPos: 150, ttlMs: 1_000 }, 200).result).toBe('refused');
    expect(fill(folded, { variant: '', json: [], readPos: 115 + LAG, ttlMs: 1_000 }, 200).result).toBe('stored');
  });
});
