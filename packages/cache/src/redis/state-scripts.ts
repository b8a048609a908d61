/**
 * The Lua side of the state store. Scripts compare and store versions and opaque blobs; they never parse a value
 * (Lua's JSON loses the difference between `[]` and `{}` and the precision of large numbers), so every rule stays in
 * TypeScript, in `model/transitions.ts`.
 */

/**
 * Commits a key's next state if its version is still the one the transition started from.
 * KEYS[1] state hash, KEYS[2] bus channel.
 * ARGV[1] expected version, ARGV[2] next version, ARGV[3] state blob, ARGV[4] TTL ms, ARGV[5] bus message.
 * Returns 1 when committed, 0 when another commit came first. The version field is never deleted, so that a version
 * number is never reused for another state.
 */
export const COMMIT_STATE = `
local current = redis.call('HGET', KEYS[1], 'v') or '0'
if current ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 's', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PUBLISH', KEYS[2], ARGV[5])
return 1
`;
