/**
 * What the adapter uses of bull's internals — the Redis layout of a job (which the add script
 * writes and the worker scripts take, lock, extend and complete) and the key names and token of a
 * queue — written down here and checked by the queue suite against what bull itself writes, so a
 * bull upgrade that changes them fails a test rather than quietly losing jobs. They have been
 * stable across bull 3 and 4 (pinned ^4.16; bull is in maintenance mode).
 *
 * Why internals at all: bull's `add` cannot say whether a job with the same id already existed
 * (its script returns the id either way), and its `addBulk` runs one script per job in a MULTI,
 * so ioredis builds, writes and parses a command per job. Its worker likewise makes two script
 * calls per job (take, complete), a timer and a lock-renewal call per job, and a round trip per
 * delayed job coming due when they come due back to back. The scripts below do what bull's do,
 * for a batch of jobs at a time.
 */
import type Bull from 'bull';
import type Redis from 'ioredis';

/** A Lua script and the name ioredis knows it by (it runs it by SHA, sending the text once). */
export interface RedisScript {
  readonly name: string;
  readonly lua: string;
}

/**
 * Runs `script` with these keys and arguments: by EVALSHA, after ioredis' defineCommand, which
 * sends the text (EVAL) only when Redis does not hold it yet (after a restart, say).
 */
export function runScript(
  client: Redis,
  script: RedisScript,
  keys: readonly string[],
  args: readonly string[],
): Promise<unknown> {
  const commands = client as unknown as Record<string, unknown>;
  if (typeof commands[script.name] !== 'function')
    client.defineCommand(script.name, { lua: script.lua });
  const command = commands[script.name] as (...params: (string | number)[]) => Promise<unknown>;
  return command.call(client, keys.length, ...keys, ...args);
}

/** Which of KEYS exist, one 0 or 1 each: one command for a whole batch instead of an EXISTS each. */
export const EXISTS_EACH: RedisScript = {
  name: 'crmBridgeExistsEach',
  lua: `local found = {}
for i, key in ipairs(KEYS) do found[i] = redis.call('EXISTS', key) end
return found`,
};

/** The name bull gives jobs added without one, and the one `process(handler)` serves. */
const DEFAULT_JOB_NAME = '__default__';

/**
 * bull's add script (lib/commands/addJob-6.lua) for many jobs with custom ids, priority 0, FIFO
 * and no debounce: per job, the id counter goes up; a job whose key exists is left as it is and
 * answers its due time (timestamp + delay; -1 when it has none); a new one gets its hash and goes
 * on the delayed set (score: due time × 4096 + the counter's low 12 bits) or the wait list (the
 * paused one when the queue is paused) and answers 0. Workers hear of new delayed jobs by one
 * publish of the earliest due time: they only ever move their timer earlier.
 *
 * KEYS: wait, paused, meta-paused, id, delayed. ARGV: the key prefix, the queue's token, then per
 * job its id, data (JSON), opts (JSON), timestamp, delay and due time (0 when not delayed).
 */
export const ADD_JOBS: RedisScript = {
  name: 'crmBridgeAddJobs',
  lua: `local rcall = redis.call
local prefix, token = ARGV[1], ARGV[2]
local target = KEYS[1]
if rcall("EXISTS", KEYS[3]) == 1 then target = KEYS[2] end
local answers = {}
local earliest, earliestText = nil, nil
for i = 3, #ARGV, 6 do
  local jobId = ARGV[i]
  local jobKey = prefix .. jobId
  local counter = rcall("INCR", KEYS[4])
  if rcall("EXISTS", jobKey) == 1 then
    rcall("PUBLISH", prefix .. "duplicated@" .. token, jobId)
    local times = rcall("HMGET", jobKey, "timestamp", "delay")
    local timestamp = tonumber(times[1])
    if timestamp then
      answers[#answers + 1] = timestamp + (tonumber(times[2]) or 0)
    else
      answers[#answers + 1] = -1
    end
  else
    rcall("HMSET", jobKey, "name", "${DEFAULT_JOB_NAME}", "data", ARGV[i + 1], "opts", ARGV[i + 2],
      "timestamp", ARGV[i + 3], "delay", ARGV[i + 4], "priority", "0")
    local due = tonumber(ARGV[i + 5])
    if due ~= 0 then
      rcall("ZADD", KEYS[5], due * 0x1000 + bit.band(counter, 0xfff), jobId)
      if earliest == nil or due < earliest then earliest, earliestText = due, ARGV[i + 5] end
    else
      rcall("LPUSH", target, jobId)
      rcall("PUBLISH", KEYS[1] .. "ing@" .. token, jobId)
    end
    answers[#answers + 1] = 0
  end
end
if earliestText then rcall("PUBLISH", KEYS[5], earliestText) end
return answers`,
};

/** ADD_JOBS' keys. */
export const ADD_JOBS_KEYS = ['wait', 'paused', 'meta-paused', 'id', 'delayed'];

/**
 * bull's worker for a batch (lib/commands/updateDelaySet-6.lua, then moveToActive-8.lua per job):
 * moves the delayed jobs that are due (up to 1,000) to the wait list (the paused one when the
 * queue is paused), then takes the claimed jobs (moved to active already by a worker's
 * BRPOPLPUSH) and up to `limit` more from the wait list to the active list, each locked with the
 * worker's token for the lock duration and stamped processedOn. Answers the taken jobs, five
 * values each (id, data, opts, timestamp, attemptsMade), and the next delayed job's score (false
 * when none). A taken id whose job no longer exists is dropped from the active list and skipped.
 * Priorities are not used by the port, and bull's pub/sub events ('waiting', 'active') are not
 * published: nothing listens to them.
 *
 * KEYS: wait, active, delayed, paused, meta-paused, stalled. ARGV: the key prefix, the token, the
 * lock duration (ms), now (ms), limit, then the claimed job ids.
 */
export const TAKE_JOBS: RedisScript = {
  name: 'crmBridgeTakeJobs',
  lua: `local rcall = redis.call
local prefix, token, lockMs = ARGV[1], ARGV[2], ARGV[3]
local now, limit = ARGV[4], tonumber(ARGV[5])
local due = rcall("ZRANGEBYSCORE", KEYS[3], 0, tonumber(now) * 0x1000, "LIMIT", 0, 1000)
if #due > 0 then
  rcall("ZREM", KEYS[3], unpack(due))
  local target = KEYS[1]
  if rcall("EXISTS", KEYS[5]) == 1 then target = KEYS[4] end
  for _, jobId in ipairs(due) do
    rcall("LREM", KEYS[2], 0, jobId)
    rcall("LPUSH", target, jobId)
    rcall("HSET", prefix .. jobId, "delay", 0)
  end
end
local ids = {}
for i = 6, #ARGV do
  ids[#ids + 1] = ARGV[i]
  rcall("SREM", KEYS[6], ARGV[i])
end
for _ = 1, limit do
  local jobId = rcall("RPOPLPUSH", KEYS[1], KEYS[2])
  if not jobId then break end
  ids[#ids + 1] = jobId
end
local taken = {}
for _, jobId in ipairs(ids) do
  local jobKey = prefix .. jobId
  local fields = rcall("HMGET", jobKey, "data", "opts", "timestamp", "attemptsMade")
  if fields[1] then
    rcall("SET", jobKey .. ":lock", token, "PX", lockMs)
    rcall("HSET", jobKey, "processedOn", now)
    taken[#taken + 1] = jobId
    for f = 1, 4 do taken[#taken + 1] = fields[f] or "" end
  else
    rcall("LREM", KEYS[2], -1, jobId)
  end
end
local next = rcall("ZRANGE", KEYS[3], 0, 0, "WITHSCORES")[2]
return {taken, next or false}`,
};

/** TAKE_JOBS' keys. */
export const TAKE_JOBS_KEYS = ['wait', 'active', 'delayed', 'paused', 'meta-paused', 'stalled'];

/**
 * bull's completion (lib/commands/moveToFinished-9.lua with removeOnComplete {age, count}) for a
 * batch: per job, when it exists, holds the worker's lock and is active, releases the lock, moves
 * it from the active list to the completed set at `now` and stamps returnvalue and finishedOn as
 * bull does for a handler that returns nothing; then, once for the batch, removes the completed
 * jobs older than the age or beyond the count, their hashes and logs included. Answers per job
 * bull's code: 0 done, -1 no such job, -2 lock missing, -6 locked by another worker, -3 not active.
 *
 * KEYS: active, completed, stalled. ARGV: the key prefix, the token, now (ms), the age (seconds),
 * the count, then the job ids.
 */
export const COMPLETE_JOBS: RedisScript = {
  name: 'crmBridgeCompleteJobs',
  lua: `local rcall = redis.call
local prefix, token, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local maxAge, maxCount = tonumber(ARGV[4]), tonumber(ARGV[5])
local answers = {}
for i = 6, #ARGV do
  local jobId = ARGV[i]
  local jobKey = prefix .. jobId
  local answer = 0
  if rcall("EXISTS", jobKey) == 0 then
    answer = -1
  else
    local lockKey = jobKey .. ":lock"
    local lock = rcall("GET", lockKey)
    if lock ~= token then
      if lock then answer = -6 else answer = -2 end
    else
      rcall("DEL", lockKey)
      rcall("SREM", KEYS[3], jobId)
      if rcall("LREM", KEYS[1], -1, jobId) < 1 then
        answer = -3
      else
        rcall("ZADD", KEYS[2], now, jobId)
        rcall("HMSET", jobKey, "returnvalue", "null", "finishedOn", now)
      end
    end
  end
  answers[#answers + 1] = answer
end
local function removeJobs(jobIds)
  for _, jobId in ipairs(jobIds) do rcall("DEL", prefix .. jobId, prefix .. jobId .. ":logs") end
end
local start = now - maxAge * 1000
removeJobs(rcall("ZREVRANGEBYSCORE", KEYS[2], start, "-inf"))
rcall("ZREMRANGEBYSCORE", KEYS[2], "-inf", start)
removeJobs(rcall("ZREVRANGE", KEYS[2], maxCount, -1))
rcall("ZREMRANGEBYRANK", KEYS[2], 0, -(maxCount + 1))
return answers`,
};

/** COMPLETE_JOBS' keys. */
export const COMPLETE_JOBS_KEYS = ['active', 'completed', 'stalled'];

/**
 * bull's lock renewal (lib/commands/extendLock-2.lua) for a batch: each job's lock that the worker
 * still holds is set again for the lock duration and the job leaves the stalled set. Answers 1 or
 * 0 per job (0: the lock is gone or another worker's: the job may run twice).
 *
 * KEYS: stalled. ARGV: the key prefix, the token, the lock duration (ms), then the job ids.
 */
export const EXTEND_LOCKS: RedisScript = {
  name: 'crmBridgeExtendLocks',
  lua: `local rcall = redis.call
local prefix, token, lockMs = ARGV[1], ARGV[2], ARGV[3]
local answers = {}
for i = 4, #ARGV do
  local lockKey = prefix .. ARGV[i] .. ":lock"
  if rcall("GET", lockKey) == token then
    rcall("SET", lockKey, token, "PX", lockMs)
    rcall("SREM", KEYS[1], ARGV[i])
    answers[#answers + 1] = 1
  else
    answers[#answers + 1] = 0
  end
end
return answers`,
};

/** EXTEND_LOCKS' keys. */
export const EXTEND_LOCKS_KEYS = ['stalled'];

/** A bull queue's key names (`''` is the prefix of its job keys) and its token. */
interface BullQueueInternals {
  keys?: Record<string, unknown>;
  token?: unknown;
}

const isString = (value: unknown): value is string => typeof value === 'string';

/**
 * What a script takes for `queue` before its own arguments: the queue's keys `names`, and its
 * leading arguments (the job-key prefix and the queue's token, which is also its workers' lock).
 */
export function scriptHead(
  queue: Bull.Queue,
  names: readonly string[],
): { keys: string[]; args: [prefix: string, token: string] } {
  const { keys = {}, token } = queue as unknown as BullQueueInternals;
  const named = names.map((name) => keys[name]);
  const prefix = keys[''];
  if (!named.every(isString) || !isString(prefix) || !isString(token)) {
    throw new Error('bull: a queue no longer has the keys or the token its scripts need');
  }
  return { keys: named, args: [prefix, token] };
}
