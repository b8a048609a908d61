/**
 * The Lua scripts that change or check versions in Redis. Every change happens inside one script together with the
 * PUBLISH that announces it, so no process can see a new version without the bus carrying it, and no fill can be
 * stored after an invalidation that Redis has already applied.
 *
 * Layout under `base` = `{prefix}` (one hash tag: every key of a cache lives in one Cluster slot):
 *   seq          counter: every version, tag version, feed epoch and stamp is a fresh value of it, so a version that
 *                expired and is recreated is never equal to one a fill remembered
 *   v:<key>      hash: v (version), at (order position), pu/pv/pt/ps (pin: until, value JSON, tag meta, scope: JSON
 *                object part -> until, Redis ms, absent when the pin holds the whole value)
 *   n:<key>      the version again, as a string, so that a strict check is one plain MGET with the tag versions
 *   d:<key>      hash: s (stamp), k (version stored under), m (meta JSON of tags and feeds, '' for none), v (JSON),
 *                x (expiry, Redis ms). A value exists only under its key's current version (see READ), so one
 *                without meta can be served from a plain HMGET.
 *   l:<key>      fill lease (holder id), w:<key> someone waits for the fill
 *   t:<tag>      version (string), ta:<tag> order position
 *   f:<feed>     hash: e (epoch), u (covered until, Redis ms; 0: not covered), l (when a process last reported a
 *                gap, Redis ms; cleared when one resumes or starts it)
 *                wn: write windows, a JSON object id -> [from, to ('' until the write ends it), until (Redis ms),
 *                written JSON ('' until then)]; from and to as strings (cjson keeps 14 digits of a number)
 *   a:<id>       applied change ids (dedupe)
 *   bus          pub/sub channel; messages `kind|version|origin|name` (kind o: a write window of key `name` changed)
 */

const PRELUDE = `
local base = ARGV[1]
local now_ms = nil
local function now()
  if not now_ms then
    local t = redis.call('TIME')
    now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  end
  return now_ms
end
local function tagver(tag)
  return tonumber(redis.call('GET', base .. 't:' .. tag) or '0')
end
local function feedstate(feed)
  local fk = base .. 'f:' .. feed
  local r = redis.call('HMGET', fk, 'e', 'u')
  local e = tonumber(r[1] or '0')
  local u = tonumber(r[2] or '0')
  if u ~= 0 and u <= now() then
    -- the holders stopped renewing: nobody listened since, so this is a gap
    e = redis.call('INCR', base .. 'seq')
    u = 0
    redis.call('HSET', fk, 'e', e, 'u', 0)
    redis.call('PUBLISH', base .. 'bus', 'f|' .. e .. '|lapse|' .. feed)
  end
  if u > now() then return e, u - now() end
  return e, 0
end
local function meta_valid(m)
  if not m or m == '' then return true, {} end
  local meta = cjson.decode(m)
  for _, tv in ipairs(meta.t) do
    if tagver(tv[1]) ~= tv[2] then return false, nil end
  end
  local cover = {}
  for i, fe in ipairs(meta.f) do
    local e, c = feedstate(fe[1])
    if e ~= fe[2] or c == 0 then return false, nil end
    cover[i] = c
  end
  return true, cover
end
-- ARGV[first] = ntags, tags..., nfeeds, feeds..., nbasis, (feed, epoch)...: the meta of a value stored now, the versions it records, and
-- whether every feed is covered (a value that depends on an uncovered feed is not stored)
local function depmeta(first)
  local ntags = tonumber(ARGV[first])
  local tparts, tv = {}, {}
  for i = 1, ntags do
    local tag = ARGV[first + i]
    local v = tagver(tag)
    tparts[i] = '[' .. cjson.encode(tag) .. ',' .. v .. ']'
    tv[i] = v
  end
  local fi = first + ntags + 1
  local nfeeds = tonumber(ARGV[fi])
  local fparts, fv, covered = {}, {}, true
  for i = 1, nfeeds do
    local feed = ARGV[fi + i]
    local e, c = feedstate(feed)
    fparts[i] = '[' .. cjson.encode(feed) .. ',' .. e .. ']'
    fv[#fv + 1] = e
    fv[#fv + 1] = c
    if c == 0 then covered = false end
  end
  -- then nbasis, (feed, epoch)...: the feed epochs the value was built under; stored only if each still holds
  local bi = fi + nfeeds + 1
  local nbasis = tonumber(ARGV[bi] or '0')
  for i = 0, nbasis - 1 do
    local e, c = feedstate(ARGV[bi + 1 + 2 * i])
    if e ~= tonumber(ARGV[bi + 2 + 2 * i]) or c == 0 then covered = false end
  end
  -- a pin depends on the tags only: it must outlive a coverage gap, which revalidates the value, not the pin
  local pinmeta = ''
  if ntags > 0 then pinmeta = '{"t":[' .. table.concat(tparts, ',') .. '],"f":[]}' end
  if ntags == 0 and nfeeds == 0 then return '', tv, fv, covered, pinmeta end
  return '{"t":[' .. table.concat(tparts, ',') .. '],"f":[' .. table.concat(fparts, ',') .. ']}', tv, fv, covered, pinmeta
end
-- The active pin of a key (hash vkey): nil when none holds, false when it holds the whole value, else its scope as a
-- table part -> until (only the parts whose window has not ended).
local function activepin(vkey)
  local p = redis.call('HMGET', vkey, 'pu', 'pt', 'ps')
  if not p[1] or tonumber(p[1]) <= now() or not meta_valid(p[2]) then return nil end
  if not p[3] then return false end
  local parts, any = {}, false
  for part, u in pairs(cjson.decode(p[3])) do
    if tonumber(u) > now() then
      parts[part] = tonumber(u)
      any = true
    end
  end
  if not any then return nil end
  return parts
end
-- The unexpired write windows of a key (field wn of hash vkey), as a table id -> window; what does not decode is
-- dropped (Redis may be shared with anything).
local function livewindows(vkey)
  local raw = redis.call('HGET', vkey, 'wn')
  local live = {}
  if not raw then return live end
  local ok, all = pcall(cjson.decode, raw)
  if not ok or type(all) ~= 'table' then return live end
  for id, w in pairs(all) do
    if type(w) == 'table' and tonumber(w[3]) and tonumber(w[3]) > now() then live[id] = w end
  end
  return live
end
-- Stores the windows and tells every process that changes they held may go through.
local function savewindows(vkey, live, key, origin)
  if next(live) == nil then redis.call('HDEL', vkey, 'wn') else redis.call('HSET', vkey, 'wn', cjson.encode(live)) end
  redis.call('PUBLISH', base .. 'bus', 'o|0|' .. origin .. '|' .. key)
end
-- Sets the pin of a change (pinMs > 0): scopeJson (a JSON array of parts, '' for the whole value) adds its parts,
-- each held until this change's window ends, to those of the prior pin (activepin before the change), unless that
-- held the whole value; a change without scope holds the whole value.
local function setpin(vkey, prior, pinMs, json, pinmeta, scopeJson)
  local u = now() + pinMs
  redis.call('HSET', vkey, 'pu', u, 'pv', json, 'pt', pinmeta)
  if scopeJson == '' or prior == false then
    redis.call('HDEL', vkey, 'ps')
    return
  end
  local parts = {}
  if prior then parts = prior end
  for _, part in ipairs(cjson.decode(scopeJson)) do parts[part] = u end
  redis.call('HSET', vkey, 'ps', cjson.encode(parts))
end
`;

/**
 * KEYS: v, d, l, w. ARGV: base, localStamp (-1: skip the stored value), wantLease, leaseMs, holder, ntags, tags..., nfeeds, feeds...
 * Returns {1, cover} (the stored value still has localStamp), {2, s, k, m, v, pttl, cover} (a valid value), or
 * {3, kv, tagVersions, feedStates, pinJson|nil, lease (0 none, 1 held, 2 busy), at|nil (order position of the
 * newest change recorded, as stored), pinScopeJson|nil (the parts the pin holds, a JSON array; nil: the whole value)}.
 */
export const READ = `${PRELUDE}
-- Every script that advances a key's version deletes its value, and FILL stores one only under the current
-- version, so a value that exists was stored under the current version: no need to read the version to serve it.
if ARGV[2] ~= '-1' then
  local d = redis.call('HMGET', KEYS[2], 's', 'k', 'm', 'v')
  if d[1] then
    local ok, cover = meta_valid(d[3])
    if ok then
      if d[1] == ARGV[2] then return {1, cover} end
      return {2, tonumber(d[1]), tonumber(d[2]), d[3], d[4], redis.call('PTTL', KEYS[2]), cover}
    end
  end
end
local kv = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
local ntags = tonumber(ARGV[6])
local tv = {}
for i = 1, ntags do tv[i] = tagver(ARGV[6 + i]) end
local nfeeds = tonumber(ARGV[7 + ntags])
local fs = {}
for i = 1, nfeeds do
  local e, c = feedstate(ARGV[7 + ntags + i])
  fs[#fs + 1] = e
  fs[#fs + 1] = c
end
local pin, scope = false, false
local ap = activepin(KEYS[1])
if ap ~= nil then
  pin = redis.call('HGET', KEYS[1], 'pv')
  if ap then
    local enc = {}
    for part in pairs(ap) do enc[#enc + 1] = cjson.encode(part) end
    scope = '[' .. table.concat(enc, ',') .. ']'
  end
end
local lease = 0
if ARGV[3] == '1' then
  if redis.call('SET', KEYS[3], ARGV[5], 'NX', 'PX', ARGV[4]) then
    lease = 1
  else
    lease = 2
    redis.call('SET', KEYS[4], '1', 'PX', ARGV[4])
  end
end
return {3, kv, tv, fs, pin, lease, redis.call('HGET', KEYS[1], 'at'), scope}
`;

/**
 * KEYS: v, d, l, w. ARGV: base, key, origin, holder, snapKv, json, ttlMs, agrees, meta, ntags, (tag, version)...,
 * nfeeds, (feed, epoch)... Returns {1, stamp} or {0, reason}.
 */
export const FILL = `${PRELUDE}
local function release()
  if redis.call('GET', KEYS[3]) == ARGV[4] then redis.call('DEL', KEYS[3]) end
end
local kv = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if kv ~= tonumber(ARGV[5]) then release() return {0, 'version'} end
local ntags = tonumber(ARGV[10])
for i = 0, ntags - 1 do
  if tagver(ARGV[11 + 2 * i]) ~= tonumber(ARGV[12 + 2 * i]) then release() return {0, 'tag'} end
end
local fi = 11 + 2 * ntags
local nfeeds = tonumber(ARGV[fi])
for i = 0, nfeeds - 1 do
  local e, c = feedstate(ARGV[fi + 1 + 2 * i])
  if e ~= tonumber(ARGV[fi + 2 + 2 * i]) or c == 0 then release() return {0, 'feed'} end
end
-- agrees: '1' the fill agrees with the pin (it ends), '0' it disagrees (refused while the pin holds), '2' it equals
-- the pinned state without the source agreeing yet (stored, the pin stays)
local p = redis.call('HMGET', KEYS[1], 'pu', 'pt')
if p[1] then
  local holds = tonumber(p[1]) > now() and meta_valid(p[2])
  if holds and ARGV[8] == '0' then release() return {0, 'pin'} end
  if not holds or ARGV[8] == '1' then redis.call('HDEL', KEYS[1], 'pu', 'pv', 'pt', 'ps') end
end
local s = redis.call('INCR', base .. 'seq')
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 's', s, 'k', kv, 'm', ARGV[9], 'v', ARGV[6], 'x', now() + tonumber(ARGV[7]))
redis.call('PEXPIRE', KEYS[2], ARGV[7])
release()
if redis.call('DEL', KEYS[4]) == 1 then
  redis.call('PUBLISH', base .. 'bus', 'F|' .. s .. '|' .. ARGV[3] .. '|' .. ARGV[2])
end
return {1, s}
`;

/** KEYS: l. ARGV: holder. */
export const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`;

/**
 * KEYS: v, d, n. ARGV: base, key, origin, json, ttlMs, pinMs, at|'', versionTtlMs, pinScope (JSON array|''),
 * windowId|'', windowTo, windowHoldMs, ntags, tags..., nfeeds, feeds..., nbasis, (feed, epoch)...
 * Returns {version, stored (0 when a feed is not covered), tagVersions, feedStates}, or {-1, 0, {}, {}} when `at`
 * is older than what the key already reflects (ordered like APPLY_KEY: an older write landing later changes nothing).
 * The write ends its window (whether or not it is ignored): held from then on are the changes ordered up to
 * windowTo, for windowHoldMs at most, and the written JSON is kept to recognise the write's own change.
 */
export const WRITE = `${PRELUDE}
if ARGV[10] ~= '' then
  local live = livewindows(KEYS[1])
  local w = live[ARGV[10]]
  if w then
    live[ARGV[10]] = {w[1], ARGV[11], now() + tonumber(ARGV[12]), ARGV[4]}
    savewindows(KEYS[1], live, ARGV[2], ARGV[3])
  end
end
if ARGV[7] ~= '' then
  local cur = redis.call('HGET', KEYS[1], 'at')
  if cur and tonumber(ARGV[7]) < tonumber(cur) then return {-1, 0, {}, {}} end
end
local prior = nil
if tonumber(ARGV[6]) > 0 and ARGV[9] ~= '' then prior = activepin(KEYS[1]) end
local ver = redis.call('INCR', base .. 'seq')
redis.call('HSET', KEYS[1], 'v', ver)
redis.call('SET', KEYS[3], ver, 'PX', ARGV[8])
if ARGV[7] ~= '' then redis.call('HSET', KEYS[1], 'at', ARGV[7]) end
local meta, tv, fv, covered, pinmeta = depmeta(13)
redis.call('DEL', KEYS[2])
local stored = 0
if covered then
  redis.call('HSET', KEYS[2], 's', ver, 'k', ver, 'm', meta, 'v', ARGV[4], 'x', now() + tonumber(ARGV[5]))
  redis.call('PEXPIRE', KEYS[2], ARGV[5])
  stored = 1
end
if tonumber(ARGV[6]) > 0 then
  setpin(KEYS[1], prior, tonumber(ARGV[6]), ARGV[4], pinmeta, ARGV[9])
else
  redis.call('HDEL', KEYS[1], 'pu', 'pv', 'pt', 'ps')
end
redis.call('PEXPIRE', KEYS[1], ARGV[8])
redis.call('PUBLISH', base .. 'bus', 'k|' .. ver .. '|' .. ARGV[3] .. '|' .. ARGV[2])
return {ver, stored, tv, fv}
`;

/**
 * KEYS: v, d, a, n. ARGV: base, key, origin, id|'', at|'', mode (invalidate|value|cas), json, ttlMs, expectKv,
 * dedupeTtlMs, versionTtlMs, pinMs, pinScope (JSON array|''), settles (window id|''), ntags, tags..., nfeeds,
 * feeds..., nbasis, (feed, epoch)...
 * Returns {'duplicate'}, {'ignored'}, {'held', {windowId, writtenJson|'', remainingMs, ...}} (ordered inside an open
 * write window: nothing recorded, the id included) or {'applied', version, stored, tagVersions, feedStates}. A value
 * change with pinMs > 0 is pinned like a write (even when a feed is uncovered and nothing is stored). `settles`
 * closes that window first: this change is its write's own, so the write's order is known.
 */
export const APPLY_KEY = `${PRELUDE}
if ARGV[4] ~= '' and redis.call('EXISTS', KEYS[3]) == 1 then return {'duplicate'} end
local function applied_id()
  if ARGV[4] ~= '' then redis.call('SET', KEYS[3], '1', 'PX', ARGV[10]) end
end
if ARGV[14] ~= '' then
  local live = livewindows(KEYS[1])
  if live[ARGV[14]] then
    live[ARGV[14]] = nil
    savewindows(KEYS[1], live, ARGV[2], ARGV[3])
  end
end
if ARGV[5] ~= '' then
  local at = tonumber(ARGV[5])
  local cur = redis.call('HGET', KEYS[1], 'at')
  if cur and at < tonumber(cur) then
    applied_id()
    return {'ignored'}
  end
  local held = {}
  for id, w in pairs(livewindows(KEYS[1])) do
    if at > tonumber(w[1]) and (w[2] == '' or at <= tonumber(w[2])) then
      held[#held + 1] = id
      held[#held + 1] = w[4]
      held[#held + 1] = tonumber(w[3]) - now()
    end
  end
  if #held > 0 then return {'held', held} end
end
applied_id()
local mode = ARGV[6]
if mode == 'cas' and tonumber(redis.call('HGET', KEYS[1], 'v') or '0') ~= tonumber(ARGV[9]) then mode = 'invalidate' end
local prior = nil
if mode ~= 'invalidate' and tonumber(ARGV[12]) > 0 and ARGV[13] ~= '' then prior = activepin(KEYS[1]) end
local ver = redis.call('INCR', base .. 'seq')
redis.call('HSET', KEYS[1], 'v', ver)
redis.call('SET', KEYS[4], ver, 'PX', ARGV[11])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'at', ARGV[5]) end
redis.call('HDEL', KEYS[1], 'pu', 'pv', 'pt', 'ps')
redis.call('PEXPIRE', KEYS[1], ARGV[11])
redis.call('DEL', KEYS[2])
local stored, tv, fv = 0, {}, {}
if mode ~= 'invalidate' then
  local meta, covered, pinmeta
  meta, tv, fv, covered, pinmeta = depmeta(15)
  if covered then
    redis.call('HSET', KEYS[2], 's', ver, 'k', ver, 'm', meta, 'v', ARGV[7], 'x', now() + tonumber(ARGV[8]))
    redis.call('PEXPIRE', KEYS[2], ARGV[8])
    stored = 1
  end
  if tonumber(ARGV[12]) > 0 then setpin(KEYS[1], prior, tonumber(ARGV[12]), ARGV[7], pinmeta, ARGV[13]) end
end
redis.call('PUBLISH', base .. 'bus', 'k|' .. ver .. '|' .. ARGV[3] .. '|' .. ARGV[2])
return {'applied', ver, stored, tv, fv}
`;

/** KEYS: v. ARGV: base, key, id, from, maxMs, versionTtlMs. Opens a write window on the key (see `wn`). */
export const OPEN_WINDOW = `${PRELUDE}
local live = livewindows(KEYS[1])
live[ARGV[3]] = {ARGV[4], '', now() + tonumber(ARGV[5]), ''}
redis.call('HSET', KEYS[1], 'wn', cjson.encode(live))
redis.call('PEXPIRE', KEYS[1], ARGV[6])
return 1
`;

/** KEYS: v. ARGV: base, key, origin, id. Closes a write window: the changes it held go through. */
export const CLOSE_WINDOW = `${PRELUDE}
local live = livewindows(KEYS[1])
if live[ARGV[4]] then
  live[ARGV[4]] = nil
  savewindows(KEYS[1], live, ARGV[2], ARGV[3])
end
return 1
`;

/** KEYS: t (version), ta (order position), a (dedupe). ARGV: base, tag, origin, id|'', at|'', dedupeTtlMs, versionTtlMs. */
export const APPLY_TAG = `${PRELUDE}
if ARGV[4] ~= '' and not redis.call('SET', KEYS[3], '1', 'NX', 'PX', ARGV[6]) then return {'duplicate'} end
if ARGV[5] ~= '' then
  local cur = redis.call('GET', KEYS[2])
  if cur and tonumber(ARGV[5]) < tonumber(cur) then return {'ignored'} end
  redis.call('SET', KEYS[2], ARGV[5], 'PX', ARGV[7])
end
local ver = redis.call('INCR', base .. 'seq')
redis.call('SET', KEYS[1], ver, 'PX', ARGV[7])
redis.call('PUBLISH', base .. 'bus', 't|' .. ver .. '|' .. ARGV[3] .. '|' .. ARGV[2])
return {'applied', ver}
`;

/**
 * KEYS: f. ARGV: base, feed, origin, op (started|resumed|lost|stopped|renew), leaseMs, versionTtlMs.
 * Returns {epoch, coveredForMs}. A renewal after the lease lapsed is a gap: the epoch advances. A renewal within
 * leaseMs after another process reported a gap ('lost', remembered as l) does not re-cover the feed: sockets often
 * drop together, and a process whose drop is not detected yet would otherwise claim coverage that nobody has (its
 * fills during the gap would be trusted). The feed is covered again when a process resumes or starts it, or by a
 * renewal once that grace has passed (a process still renewing then is listening).
 */
export const COVERAGE = `${PRELUDE}
local r = redis.call('HMGET', KEYS[1], 'e', 'u')
local e = tonumber(r[1] or '0')
local u = tonumber(r[2] or '0')
local op = ARGV[4]
local lease = tonumber(ARGV[5])
if op == 'renew' then
  if u > now() then
    if now() + lease > u then u = now() + lease end
    redis.call('HSET', KEYS[1], 'u', u)
    redis.call('PEXPIRE', KEYS[1], ARGV[6])
    return {e, u - now()}
  end
  local l = tonumber(redis.call('HGET', KEYS[1], 'l') or '0')
  if l > 0 and now() - l < lease then return {e, 0} end
  op = 'started'
end
e = redis.call('INCR', base .. 'seq')
if op == 'started' or op == 'resumed' then
  if now() + lease > u then u = now() + lease end
  redis.call('HDEL', KEYS[1], 'l')
else
  u = 0
  if op == 'lost' then redis.call('HSET', KEYS[1], 'l', now()) end
end
redis.call('HSET', KEYS[1], 'e', e, 'u', u)
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('PUBLISH', base .. 'bus', 'f|' .. e .. '|' .. ARGV[3] .. '|' .. ARGV[2])
if u > now() then return {e, u - now()} end
return {e, 0}
`;
