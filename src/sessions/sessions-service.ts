import type { BridgeEvent, EventSink } from '../actions/events';
import type { CrmService } from '../crm/crm-service';
import type { ServerConfig } from '../shared/config/server-schema';
import { AppError, notFound } from '../shared/errors/app-error';
import { DuplicateKeyError } from '../shared/errors/duplicate-key-error';
import { errorMessage } from '../shared/errors/system-error';
import { validationError } from '../shared/errors/validation-error';
import { isRecord } from '../shared/is-record';
import type { Logger } from '../shared/log/logger';
import type { Mailer } from '../shared/mail/mail-port';
import { isFinalFailure, retryDelayMs } from '../shared/queue/job-options';
import {
  type AddResult,
  type JobContext,
  JobJson,
  type JobQueue,
  type QueuePort,
} from '../shared/queue/queue-port';
import type { Collection, Store, StoredDocument } from '../shared/store/store-port';
import { composeOutcomeEmail, type OutcomeTemplates } from './outcome-email';
import { outcomeRecipient } from './outcome-recipient';
import { checkedSession, type PlatformSession, queueId, sessionKey } from './session-schema';
import { sessionSummary } from './session-summary';

export const OUTCOME_QUEUE = 'outcome-email';

/**
 * Outcome emails handled at once by one process. A delivery mostly waits (on the store's write,
 * on SMTP, on Redis), so a handful of workers leaves the CPU idle while emails come due faster
 * than they finish; concurrent ones also share the embedded store's datafile appends (in the
 * bench, 4 workers delivered ~1,700 emails/s; 128 over 6,000/s on a busy machine). The SMTP
 * mailer's pool still caps the connections (nodemailer's default, 5); the rest wait in it, well
 * within a job's 30 s lock.
 */
export const DELIVERY_CONCURRENCY = 128;

/** Sessions `rearm` looks up (and adds jobs for) at once. */
const REARM_BATCH = 1_000;

/** After the queue refused a job: the first re-arm this soon, then backing off up to the max. */
const REARM_RETRY = { firstMs: 2_000, maxMs: 60_000 } as const;

export interface OutcomeJob {
  /** The stored session's key, e.g. `chat-73522`; the job loads the rest from the store. */
  key: string;
  /**
   * With `carrySessions` (processes that share a queue but not a store), what the email needs
   * besides `posted`, so a process that does not hold the session sends from the job.
   */
  carried?: { receivedAt: string; to: string; dueAt: string };
  /** With `carried`: the session as posted, the stored payload embedded in the job as it is. */
  posted?: unknown;
  /** How jobs added by earlier versions carried the session: the stored document whole. */
  session?: SessionDoc;
}

export type EmailState =
  | { state: 'scheduled'; to: string; dueAt: string }
  | { state: 'sent'; to: string; dueAt: string; sentAt: string; messageId: string }
  | { state: 'none'; reason: string };

export interface SessionDoc extends StoredDocument {
  kind: 'call' | 'chat';
  status: string;
  receivedAt: string;
  /** The session exactly as posted; kept as JSON text so any key it has can be stored. */
  payload: string;
  email: EmailState;
  /** What happened to the built-in CRM record the session names (out_ticket_id). */
  record?: string;
}

/** What a session asks of the built-in CRM record it names (out_ticket_id). */
interface RecordUpdate {
  id: string;
  status: string;
  /** The one summary comment (sessionSummary). */
  summary: string;
}

export interface ReceiveResult {
  key: string;
  /** True when this session had been received before: nothing new was done. */
  duplicate: boolean;
  email: EmailState;
  record?: string;
}

export interface SessionsOptions {
  store: Store;
  queue: JobQueue<OutcomeJob>;
  mailer: Mailer;
  crm: CrmService;
  settings: ServerConfig['outcomeEmail'];
  templates: OutcomeTemplates;
  /** OUTCOME_EMAIL_DELAY_MS; else `settings.delayMinutes`. */
  delayMs?: number;
  /**
   * Jobs carry the session, for processes that share a queue but not a store (bull on Redis with
   * each process's embedded store): whichever process takes the job can send the email.
   */
  carrySessions?: boolean;
  logger: Logger;
  now?: () => number;
  /** Told session.finished / session.failed when a session first arrives (event actions). */
  events?: EventSink;
}

const kindOfKey = (key: string): SessionDoc['kind'] => (key.startsWith('chat-') ? 'chat' : 'call');

/** session.finished / session.failed for event actions; other statuses raise none. */
function sessionEvent(key: string, session: PlatformSession): BridgeEvent | undefined {
  if (session.status !== 'finished' && session.status !== 'failed') return undefined;
  return { kind: 'session', name: `session.${session.status}`, key, session };
}

/** Why a session gets no email, before any setting is looked at (reference/002). */
function notEmailable(session: PlatformSession): string | undefined {
  if (session.status !== 'finished') {
    return `the session is ${session.status}: only finished sessions are emailed`;
  }
  if (!session.connected_at && !session.agent_info) {
    return 'the session was abandoned before an agent connected: abandoned sessions are not emailed';
  }
  return undefined;
}

/**
 * Whether outcome jobs carry their sessions: with processes on one Redis that each have their own
 * embedded store, any of them can then send any email.
 */
export const carriesSessions = (queue: QueuePort['kind'], store: Store['kind']): boolean =>
  queue === 'bull' && store === 'embedded';

/**
 * The outcome job of a session whose email is scheduled. A carried session's payload is JSON text
 * already: it is embedded in the job's JSON as it is rather than escaped into a string, and only
 * what the email needs besides comes with it, which keeps each job ~15% smaller in Redis.
 */
export function outcomeJob(doc: SessionDoc, carry: boolean): OutcomeJob | JobJson<OutcomeJob> {
  if (!carry || doc.email.state !== 'scheduled') return { key: doc.id };
  const { to, dueAt } = doc.email;
  const carried = JSON.stringify({ receivedAt: doc.receivedAt, to, dueAt });
  return new JobJson(
    `{"key":${JSON.stringify(doc.id)},"carried":${carried},"posted":${doc.payload}}`,
  );
}

/** The stored session an outcome job carries; undefined when it carries none. */
function carriedSession({ key, carried, posted, session }: OutcomeJob): SessionDoc | undefined {
  if (session !== undefined) return session;
  if (carried === undefined || posted === undefined) return undefined;
  return {
    id: key,
    kind: kindOfKey(key),
    // Only finished sessions are emailed (notEmailable).
    status: 'finished',
    receivedAt: carried.receivedAt,
    payload: JSON.stringify(posted),
    email: { state: 'scheduled', to: carried.to, dueAt: carried.dueAt },
  };
}

/**
 * Finished sessions in, outcome emails out: validates and keeps each session once, schedules its
 * email on the durable queue, updates the built-in CRM record it names, and sends the email when
 * its job comes due.
 */
export class SessionsService {
  private readonly sessions: Collection<SessionDoc>;
  private readonly now: () => number;
  /** The retry `rearmLater` set: pending or running. */
  private rearming: { timer: NodeJS.Timeout; again: boolean } | undefined;
  private stopped = false;

  constructor(private readonly options: SessionsOptions) {
    this.sessions = options.store.collection<SessionDoc>('sessions');
    this.now = options.now ?? Date.now;
  }

  private get delayMs(): number {
    return this.options.delayMs ?? this.options.settings.delayMinutes * 60_000;
  }

  /** outcomeEmail.retry as the queue takes it: the jobs' attempts and backoff base. */
  private get retry(): { attempts: number; backoffMs: number } {
    const { attempts, backoffSeconds } = this.options.settings.retry;
    return { attempts, backoffMs: Math.round(backoffSeconds * 1000) };
  }

  async receive(body: unknown): Promise<ReceiveResult> {
    // Everything needed from the session is taken here, before the first await, so nothing made
    // from it is kept while its writes are batched but the document and its job.
    const { doc, record, event } = this.prepare(body);
    const key = doc.id;
    try {
      await this.sessions.insert(doc);
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
      // Posted before (or twice at once): the first one kept it and did the work, unless it
      // stopped between keeping the session and adding its job, or before it noted the record
      // update, so those are done if missing (the record's comment is added once whatever).
      const kept = await this.get(key);
      await this.scheduleOrRearmLater(kept);
      if (kept.record !== undefined || !record) return this.result(kept, true);
      const recordNote = await this.updateRecordAndNote(key, record);
      return this.result({ ...kept, record: recordNote }, true);
    }
    await this.scheduleOrRearmLater(doc);
    const recordNote = record && (await this.updateRecordAndNote(key, record));
    if (event) await this.options.events?.emit(event);
    this.options.logger.info('session received', { session: key, email: doc.email.state });
    return {
      key,
      duplicate: false,
      email: doc.email,
      ...(recordNote !== undefined && { record: recordNote }),
    };
  }

  /**
   * Adds the job of a session whose email is scheduled, due when the email is due (at once if that
   * has passed); a job with its id that exists already stays as it is. Nothing for other sessions.
   */
  private async schedule(doc: SessionDoc): Promise<AddResult | undefined> {
    if (doc.email.state !== 'scheduled') return undefined;
    return this.options.queue.add(outcomeJob(doc, this.options.carrySessions === true), {
      jobId: doc.id,
      delayMs: Math.max(0, Date.parse(doc.email.dueAt) - this.now()),
      ...this.retry,
    });
  }

  /**
   * Adds a kept session's job; when the queue cannot take it (Redis down or full), the session is
   * kept all the same and its job is added by a re-arm once the queue answers again (`rearmLater`),
   * so the answer still says when the email is due.
   */
  private async scheduleOrRearmLater(doc: SessionDoc): Promise<void> {
    try {
      await this.schedule(doc);
    } catch (err) {
      this.options.logger.warn(
        'outcome email could not be queued yet: it is kept and will be queued when the queue answers',
        { session: doc.id, error: errorMessage(err) },
      );
      this.rearmLater();
    }
  }

  /**
   * Re-arms soon, and again with backoff until a pass succeeds: for jobs the queue could not take
   * when their sessions arrived (or at start). Calls while one is pending join it; a call while it
   * runs asks for one more pass, for sessions kept after that pass looked.
   */
  rearmLater(delayMs: number = REARM_RETRY.firstMs): void {
    if (this.stopped) return;
    if (this.rearming) {
      this.rearming.again = true;
      return;
    }
    const timer = setTimeout(() => {
      const attempt = this.rearming;
      if (attempt) attempt.again = false;
      this.rearm().then(
        () => {
          this.rearming = undefined;
          if (attempt?.again) this.rearmLater();
        },
        (err: unknown) => {
          this.rearming = undefined;
          const retryMs = Math.min(delayMs * 2, REARM_RETRY.maxMs);
          this.options.logger.warn('outcome emails could not be re-armed yet: trying again', {
            error: errorMessage(err),
            retryInSeconds: retryMs / 1000,
          });
          this.rearmLater(retryMs);
        },
      );
    }, delayMs);
    timer.unref();
    this.rearming = { timer, again: false };
  }

  /** Stops re-arming (before the queue and the store close). */
  stop(): void {
    this.stopped = true;
    if (this.rearming) clearTimeout(this.rearming.timer);
    this.rearming = undefined;
  }

  /**
   * Gives every session whose email is still scheduled its job, for one kept by a process that
   * stopped before adding it (run at start): only the jobs the queue does not know are added, and
   * it says how many.
   */
  async rearm(): Promise<number> {
    // Ids first: only a session whose job is missing is loaded, so a start with many emails
    // scheduled (a 15-minute backlog) does not read every one of them.
    const scheduled = await this.sessions.findIds({
      field: 'email.state',
      op: 'eq',
      value: 'scheduled',
    });
    let added = 0;
    for (let start = 0; start < scheduled.length; start += REARM_BATCH) {
      const batch = scheduled.slice(start, start + REARM_BATCH);
      const known = await this.options.queue.known(batch);
      const results = await Promise.all(
        batch.filter((id) => !known.has(id)).map((id) => this.rearmOne(id)),
      );
      added += results.filter(Boolean).length;
    }
    if (added > 0) {
      this.options.logger.warn('outcome emails whose job was missing were scheduled again', {
        count: added,
      });
    }
    return added;
  }

  /** Adds the job of one session listed as scheduled, unless it was sent or removed since. */
  private async rearmOne(id: string): Promise<boolean> {
    const doc = await this.sessions.findById(id);
    return doc !== null && (await this.schedule(doc))?.added === true;
  }

  /** Validates a posted session: the document to keep, and the record update it asks for. */
  private prepare(body: unknown): { doc: SessionDoc; record?: RecordUpdate; event?: BridgeEvent } {
    const checked = checkedSession(body);
    if (!checked.success) throw validationError('session', checked.error);
    const session = checked.data;
    const key = sessionKey(session);
    const doc: SessionDoc = {
      id: key,
      kind: kindOfKey(key),
      status: session.status,
      receivedAt: new Date(this.now()).toISOString(),
      payload: JSON.stringify(session),
      email: this.emailPlan(session),
    };
    // Kept past the first await only when an event sink wants it (event actions).
    const event = this.options.events && sessionEvent(key, session);
    const recordId = session.out_ticket_id;
    const record =
      recordId === null || recordId === undefined || recordId === ''
        ? undefined
        : { id: String(recordId), status: session.status, summary: sessionSummary(session) };
    return { doc, ...(record && { record }), ...(event && { event }) };
  }

  async get(key: string): Promise<SessionDoc> {
    const doc = await this.sessions.findById(key);
    if (!doc) throw notFound('session', key);
    return doc;
  }

  private result(doc: SessionDoc, duplicate: boolean): ReceiveResult {
    return {
      key: doc.id,
      duplicate,
      email: doc.email,
      ...(doc.record !== undefined && { record: doc.record }),
    };
  }

  private emailPlan(session: PlatformSession): EmailState {
    const refused = notEmailable(session);
    if (refused !== undefined) return { state: 'none', reason: refused };
    const recipient = outcomeRecipient(this.options.settings, queueId(session));
    if ('none' in recipient) return { state: 'none', reason: recipient.none };
    return {
      state: 'scheduled',
      to: recipient.to,
      dueAt: new Date(this.now() + this.delayMs).toISOString(),
    };
  }

  /** Updates the session's record, then notes on the session that it was done, and how. */
  private async updateRecordAndNote(key: string, record: RecordUpdate): Promise<string> {
    const note = await this.updateRecord(key, record);
    await this.sessions.update(key, { record: note });
    return note;
  }

  /**
   * The session's record in the built-in CRM (out_ticket_id): its status through the
   * session-status map and one summary comment, whose id is the session's (`chat-73522-summary`),
   * so doing it again after a crash, or twice at once, leaves one.
   */
  private async updateRecord(key: string, record: RecordUpdate): Promise<string> {
    const { crm } = this.options;
    try {
      await crm.updateRecord(record.id, { status: record.status });
      await crm.addComment(record.id, { body: record.summary }, { id: `${key}-summary` });
      return `record ${record.id} updated`;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      // The session is kept and emailed regardless; the record problem is reported, not fatal.
      this.options.logger.warn('session names a record that could not be updated', {
        session: key,
        reason: err.message,
      });
      return `record ${record.id} not updated: ${err.message}`;
    }
  }

  /**
   * The outcome-email job: compose and send, once; a failure is retried by the queue, and each
   * one is logged with what happens next.
   */
  readonly deliver = async (job: JobContext<OutcomeJob>): Promise<void> => {
    try {
      await this.send(job);
    } catch (err) {
      const { attempts, backoffMs } = this.retry;
      const details = {
        session: job.data.key,
        attempt: job.attempt,
        attempts,
        error: errorMessage(err),
      };
      if (isFinalFailure(err, job.attempt, attempts)) {
        this.options.logger.error(
          'outcome email failed: no attempts left, the job is kept as failed',
          details,
        );
      } else {
        const retryInSeconds = retryDelayMs(backoffMs, job.attempt) / 1000;
        this.options.logger.warn('outcome email attempt failed: it will be retried', {
          ...details,
          retryInSeconds,
        });
      }
      throw err;
    }
  };

  private async send(job: JobContext<OutcomeJob>): Promise<void> {
    const held = await this.sessions.findById(job.data.key);
    const doc = held ?? carriedSession(job.data);
    if (!doc) throw notFound('session', job.data.key);
    if (doc.email.state !== 'scheduled') return; // sent already (a retry after a crash) or none
    // A job that carries the session as posted has it parsed already (the same as the stored one).
    const { posted } = job.data;
    const session = isRecord(posted)
      ? posted
      : (JSON.parse(doc.payload) as Record<string, unknown>);
    const message = composeOutcomeEmail(session, {
      from: this.options.settings.from,
      to: doc.email.to,
      templates: this.options.templates,
    });
    const sent = await this.options.mailer.send(message);
    const email: EmailState = {
      ...doc.email,
      state: 'sent',
      sentAt: new Date(this.now()).toISOString(),
      messageId: sent.messageId,
    };
    // Sent from the job's copy: this process now holds the session too, marked sent.
    if (held) await this.sessions.update(doc.id, { email });
    else await this.sessions.insert({ ...doc, email });
    this.options.logger.info('outcome email sent', { session: doc.id, attempt: job.attempt });
  }
}
