/**
 * What the adapter uses of bull's internals — its Job class and add script to build adds, and
 * the worker-naming call it guards — typed as narrowly as it uses them and checked once at load,
 * so a bull upgrade that moves them fails loudly at start rather than quietly at the first add.
 * All have been stable across bull 3 and 4 (pinned ^4.16; bull is in maintenance mode), and the
 * queue contract suite exercises them.
 *
 * Why internals at all: bull's `add` cannot say whether a job with the same id already existed
 * (its script returns the id either way). A MULTI that checks which job keys exist and then runs
 * bull's own add script for each job answers that atomically, and batching many adds into one
 * MULTI is how bull's `addBulk` reaches its rate.
 */
import Bull from 'bull';
import type { ChainableCommander } from 'ioredis';

/** bull's Job as far as building one for its add script goes. */
interface BullJobData {
  /** The job as its add script takes it: `data` (and `opts`) as JSON text. */
  toData(): { data?: string };
}

type BullJobConstructor = new (
  queue: Bull.Queue,
  name: string,
  data: unknown,
  opts: Bull.JobOptions,
) => BullJobData;

interface BullScripts {
  /** Queues bull's add script on `client` (a MULTI here); its reply is the job id, new or not. */
  addJob(
    client: ChainableCommander,
    queue: Bull.Queue,
    jobData: unknown,
    opts: { customJobId: string },
  ): unknown;
}

/** Which of KEYS exist, one 0 or 1 each: one command for a whole batch instead of an EXISTS each. */
export const EXISTS_EACH = `local found = {}
for i, key in ipairs(KEYS) do found[i] = redis.call('EXISTS', key) end
return found`;

/** The name bull gives jobs added without one, and the one `process(handler)` serves. */
export const DEFAULT_JOB_NAME = '__default__';

const BullJob = (Bull as unknown as { Job?: unknown }).Job;
if (typeof BullJob !== 'function') throw new Error('bull: its Job class is not exported any more');

// A module bull does not export; see the header for why it is worth it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const scripts = require('bull/lib/scripts') as Partial<BullScripts>;
if (typeof scripts.addJob !== 'function') throw new Error('bull: lib/scripts has no addJob');
const addJobScript = scripts.addJob.bind(scripts);

/**
 * Queues the add of one job, with id `jobId` and its data written as JSON text (what bull's Job
 * would write), on `multi`; when the MULTI runs, a job that already has that id is left as it is.
 */
export function queueAddJob(
  multi: ChainableCommander,
  queue: Bull.Queue,
  jobId: string,
  dataText: string,
  opts: Bull.JobOptions,
): void {
  const job = new (BullJob as BullJobConstructor)(queue, DEFAULT_JOB_NAME, undefined, opts);
  addJobScript(multi, queue, { ...job.toData(), data: dataText }, { customJobId: jobId });
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
