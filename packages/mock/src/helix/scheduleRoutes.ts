import { type HelixRoute, helixError, type MockRequest, type MockResponse } from '../http/route.js';
import type { Row, ScheduleState } from '../state/wireTypes.js';
import type { World } from '../state/world.js';
import { bodyOf, filterBy, noContent, ownerOf, q } from './routeHelpers.js';

function segmentFrom(world: World, body: Record<string, unknown>, base?: Row): Row | string {
  const start = body.start_time ?? base?.start_time;
  if (typeof start !== 'string' || Number.isNaN(Date.parse(start)))
    return 'The start_time field must be an RFC 3339 time';
  const duration = body.duration === undefined ? undefined : Number(body.duration);
  if (duration !== undefined && !(Number.isInteger(duration) && duration >= 30 && duration <= 1380)) {
    return 'The duration field must be 30 to 1380 minutes';
  }
  const title = body.title ?? base?.title ?? '';
  if (typeof title !== 'string' || title.length > 140) return 'The title field must be at most 140 characters';
  const startMs = Date.parse(start);
  const endMs =
    duration !== undefined
      ? startMs + duration * 60_000
      : base
        ? Date.parse(String(base.end_time)) - Date.parse(String(base.start_time)) + startMs
        : startMs + 240 * 60_000;
  const categoryId = body.category_id ?? (base?.category as { id?: string } | null)?.id;
  return {
    id: base?.id ?? Buffer.from(JSON.stringify({ segmentID: world.newId() })).toString('base64'),
    start_time: new Date(startMs).toISOString(),
    end_time: new Date(endMs).toISOString(),
    title,
    canceled_until:
      body.is_canceled === true
        ? new Date(endMs).toISOString()
        : body.is_canceled === false
          ? null
          : (base?.canceled_until ?? null),
    category: typeof categoryId === 'string' ? { id: categoryId, name: `Category ${categoryId}` } : null,
    is_recurring: body.is_recurring ?? base?.is_recurring ?? false,
  };
}

/** GET /schedule (anyone), segments POST/PATCH/DELETE and PATCH /schedule/settings (the broadcaster's own). */
export function scheduleRoutes(world: World): HelixRoute[] {
  const commit = (b: string, next: ScheduleState) => world.commit(`schedule:${b}`, next, 'api');
  /** Commits the schedule and answers with it, its segments cut down to the one written, as Twitch does. */
  const commitSegment = (b: string, next: ScheduleState, segment: ScheduleState['segments'][number]) => {
    commit(b, next);
    return { status: 200, body: { data: { ...next, segments: [segment] } } };
  };
  /** A write of the broadcaster's own schedule: `handle` gets the broadcaster and the committed schedule. */
  const manage = (
    method: HelixRoute['method'],
    path: string,
    handle: (req: MockRequest, b: string, current: ScheduleState) => MockResponse,
  ): HelixRoute => ({
    method,
    path,
    token: 'user',
    scopes: ['channel:manage:schedule'],
    handle(req) {
      const { b, refused } = ownerOf(req);
      return refused ?? handle(req, b, world.truth<ScheduleState>(`schedule:${b}`));
    },
  });
  return [
    {
      method: 'GET',
      path: '/schedule',
      token: 'app-or-user',
      handle(req) {
        const b = q(req, 'broadcaster_id');
        const served = world.read<ScheduleState>(`schedule:${b}`);
        if (!served) return helixError(400, `Invalid broadcaster_id: ${b}`);
        const segments = filterBy(served.state.segments, req);
        if (segments.length === 0 && !served.state.vacation) return helixError(404, 'The broadcaster has no schedule');
        return { status: 200, body: { data: { ...served.state, segments }, pagination: {} } };
      },
    },
    manage('POST', '/schedule/segment', (req, b, current) => {
      const body = bodyOf(req);
      if (body.start_time === undefined || body.timezone === undefined)
        return helixError(400, 'The start_time and timezone fields are required');
      const segment = segmentFrom(world, body);
      if (typeof segment === 'string') return helixError(400, segment);
      const next = {
        ...current,
        segments: [...current.segments, segment].sort((x, y) =>
          String(x.start_time).localeCompare(String(y.start_time)),
        ),
      };
      return commitSegment(b, next, segment);
    }),
    manage('PATCH', '/schedule/segment', (req, b, current) => {
      const id = q(req, 'id');
      const base = current.segments.find((s) => s.id === id);
      if (!base) return helixError(404, 'The segment was not found');
      const segment = segmentFrom(world, bodyOf(req), base);
      if (typeof segment === 'string') return helixError(400, segment);
      const next = { ...current, segments: current.segments.map((s) => (s.id === id ? segment : s)) };
      return commitSegment(b, next, segment);
    }),
    manage('DELETE', '/schedule/segment', (req, b, current) => {
      const id = q(req, 'id');
      if (!current.segments.some((s) => s.id === id)) return noContent;
      commit(b, { ...current, segments: current.segments.filter((s) => s.id !== id) });
      return noContent;
    }),
    manage('PATCH', '/schedule/settings', (req, b, current) => {
      const enabled = req.query.get('is_vacation_enabled');
      if (enabled === null) return noContent;
      if (enabled === 'false') {
        commit(b, { ...current, vacation: null });
        return noContent;
      }
      const start = req.query.get('vacation_start_time');
      const end = req.query.get('vacation_end_time');
      if (
        !start ||
        !end ||
        Number.isNaN(Date.parse(start)) ||
        Number.isNaN(Date.parse(end)) ||
        Date.parse(end) <= Date.parse(start)
      ) {
        return helixError(400, 'A vacation needs vacation_start_time before vacation_end_time');
      }
      commit(b, {
        ...current,
        vacation: { start_time: new Date(start).toISOString(), end_time: new Date(end).toISOString() },
      });
      return noContent;
    }),
  ];
}
