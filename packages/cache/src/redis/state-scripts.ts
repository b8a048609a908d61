/**
 * The Lua side of the state store. Scripts compare and store versions and opaque blobs; they never parse a value
 * (Lua's JSON loses the difference between `[]` and `{}` and the precision of large numbers), so every rule stays in
 * TypeScript, in `model/transitions.ts`.
 */

/** The feed states of KEYS[first..], flattened: epoch, then for how many ms more it is covered (Redis's clock). */
const FEEDS = `
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function feeds(first)
  local out = {}
  local at = now()
  for i = first, #KEYS do
    local f = redis.call('HMGET', KEYS[i], 'e', 'u')
    out[#out + 1] = f[1] or '0'
    out[#out + 1] = tostring(math.max(0, tonumber(f[2] or '0') - at))
  end
  return out
end
`;

/**
 * Reads a key's state with the states of its feeds, atomically.
 * KEYS[1] state hash, KEYS[2..] feed hashes (as the coverage script keeps them).
 * Returns { version or false, blob or false, epoch1, coveredForMs1, epoch2, coveredForMs2, ... }.
 */
export const READ_STATE = `${FEEDS}
local r = redis.call('HMGET', KEYS[1], 'v', 's')
local out = { r[1], r[2] }
for _, x in ipairs(feeds(2)) do out[#out + 1] = x end
return out
`;

/**
 * Commits a key's next state if its version is still the one the transition started from and its feeds are still
 * as the transition saw them.
 * KEYS[1] state hash, KEYS[2] bus channel, KEYS[3..] feed hashes.
 * ARGV[1] expected version, ARGV[2] next version, ARGV[3] state blob, ARGV[4] TTL ms, ARGV[5] bus message,
 * ARGV[6..] the feeds' expected 'epoch:covered', in the order of their keys.
 * Returns 1 when committed, 0 when another commit came first or a feed moved. The version field is never deleted,
 * so that a version number is never reused for another state.
 */
export const COMMIT_STATE = `${FEEDS}
local current = redis.call('HGET', KEYS[1], 'v') or '0'
if current ~= ARGV[1] then return 0 end
local seen = feeds(3)
for i = 1, #seen / 2 do
  local covered = (tonumber(seen[2 * i]) > 0) and '1' or '0'
  if seen[2 * i - 1] .. ':' .. covered ~= ARGV[5 + i] then return 0 end
end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 's', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PUBLISH', KEYS[2], ARGV[5])
return 1
`;
