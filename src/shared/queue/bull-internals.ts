/**
 * What the adapter uses of bull's internals — the Redis layout of a job its workers take, which
 * the add script below writes, and the worker-naming call it guards — written down here and
 * checked by the queue suite against bull's own `add`, so a bull upgrade that changes them fails
 * a test rather than quietly losing jobs. Both have been stable across bull 3 and 4 (pinned
 * ^4.16; bull is in maintenance mode).
 *
 * Why internals at all: bull's `add` cannot say whether a job with the same id already existed
 * (its script returns the id either way), and its `addBulk` runs one script per job in a MULTI,
 * so ioredis builds, writes and parses a command per job. One script call per batch does what
 * bull's add script does for each of its jobs and answers, per job, whether it was new.
 */
import type Bull from 'bull';

/** Which of KEYS exist, one 0 or 1 each: one command for a whole batch instead of an EXISTS each. */
export const EXISTS_EACH = `local found = {}
for i, key in ipairs(KEYS) do found[i] = redis.call('EXISTS', key) end
return found`;

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
export const ADD_JOBS = `local rcall = redis.call
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
return answers`;

const ADD_JOBS_KEYS = ['wait', 'paused', 'meta-paused', 'id', 'delayed'] as const;

/** A bull queue's key names (`''` is the prefix of its job keys) and its token. */
interface BullQueueInternals {
  keys?: Record<string, unknown>;
  token?: unknown;
}

const isString = (value: unknown): value is string => typeof value === 'string';

/** What ADD_JOBS takes for `queue` before its jobs: its keys, and its leading arguments. */
export function addJobsHead(queue: Bull.Queue): { keys: string[]; args: string[] } {
  const { keys = {}, token } = queue as unknown as BullQueueInternals;
  const named = ADD_JOBS_KEYS.map((name) => keys[name]);
  const prefix = keys[''];
  if (!named.every(isString) || !isString(prefix) || !isString(token)) {
    throw new Error('bull: a queue no longer has the keys or the token its add script needs');
  }
  return { keys: named, args: [prefix, token] };
}

/**
 * bull's `process` names the worker's blocking connection (CLIENT SETNAME) without handling a
 * failure, and the command fails when the queue closes before that connection answers (a stop
 * right after a start): an unhandled rejection, which ends a Node process. The name only serves
 * bull's `getWorkers`, so its failure is dropped.
 */
export function guardWorkerName(queue: Bull.Queue): void {
  const internals = queue as unknown as { setWorkerName?: () => Promise<void> };
  const setWorkerName = internals.setWorkerName;
  if (typeof setWorkerName !== 'function') return;
  internals.setWorkerName = () => setWorkerName.call(queue).catch(() => undefined);
}
