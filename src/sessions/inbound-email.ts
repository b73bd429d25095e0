import { type ParsedMail, simpleParser } from 'mailparser';
import type { CrmService, Entity } from '../crm/crm-service';
import { sessionVariables } from '../generic-api/session-variables';
import { AppError, unprocessable } from '../shared/errors/app-error';
import { DuplicateKeyError } from '../shared/errors/duplicate-key-error';
import { validationError } from '../shared/errors/validation-error';
import type { Logger } from '../shared/log/logger';
import type { Collection, Store, StoredDocument } from '../shared/store/store-port';
import { checkedSession, type PlatformSession, sessionKey } from './session-schema';
import { sessionSummary } from './session-summary';

/**
 * How long an email may stay "processing" before it is taken for abandoned (its process stopped
 * half-way) and applied again when it comes again: far longer than applying one takes.
 */
const ABANDONED_AFTER_MS = 5 * 60_000;

const abandoned = (doc: InboundDoc | null, now: number): boolean =>
  doc?.state === 'processing' && now - Date.parse(doc.receivedAt) > ABANDONED_AFTER_MS;

interface InboundDoc extends StoredDocument {
  state: 'processing' | 'done';
  receivedAt: string;
  accountId?: string;
  recordId?: string;
}

export interface IngestResult {
  session: string;
  duplicate: boolean;
  accountId?: string;
  recordId?: string;
  /** What was done to the record, in words. */
  actions: string[];
}

/** The session JSON: the body (the platform's format), else a `call-*.json` / `chat-*.json` file. */
function sessionJson(mail: ParsedMail): unknown {
  const candidates = [
    mail.text,
    ...mail.attachments
      .filter((a) => a.contentType === 'application/json' || a.filename?.endsWith('.json'))
      .map((a) => a.content.toString('utf8')),
  ];
  for (const text of candidates) {
    const trimmed = text?.trim();
    if (!trimmed?.startsWith('{')) continue;
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      // not this one
    }
  }
  throw unprocessable('the email holds no session JSON (neither its text nor a .json attachment)', [
    { field: 'body', message: 'expected the session metadata as JSON' },
  ]);
}

const transcriptOf = (mail: ParsedMail, key: string) =>
  mail.attachments.find((a) => a.filename === `${key}.txt`) ??
  mail.attachments.find((a) => a.filename?.endsWith('.txt'));

/**
 * The CRM side of "CRM record update by email": a session-outcome email (from the platform or
 * from crm-bridge itself) updates the matching record of the built-in CRM — by out_ticket_id,
 * else the end user's account's newest open record in that queue, else a new one — with the
 * status, a summary comment and the transcript. Each session is applied once.
 */
export class InboundEmailService {
  private readonly applied: Collection<InboundDoc>;

  constructor(
    store: Store,
    private readonly crm: CrmService,
    private readonly logger: Logger,
  ) {
    this.applied = store.collection<InboundDoc>('inbound_sessions');
  }

  async ingest(raw: Buffer): Promise<IngestResult> {
    const mail = await simpleParser(raw);
    const checked = checkedSession(sessionJson(mail));
    if (!checked.success) throw validationError('session in the email', checked.error);
    const session = checked.data;
    const key = sessionKey(session);

    try {
      await this.applied.insert({
        id: key,
        state: 'processing',
        receivedAt: new Date().toISOString(),
      });
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
      const done = await this.applied.findById(key);
      if (!abandoned(done, Date.now())) {
        return {
          session: key,
          duplicate: true,
          accountId: done?.accountId,
          recordId: done?.recordId,
          actions: [],
        };
      }
      // A process stopped while applying it: applied again, each step once (the record it may
      // have made is found by the session, the comment and the transcript have the session's ids).
      await this.applied.update(key, { receivedAt: new Date().toISOString() });
      this.logger.warn('outcome email left half-applied by a stopped process: applying it again', {
        session: key,
      });
    }
    try {
      const result = await this.apply(session, key, mail);
      await this.applied.update(key, {
        state: 'done',
        accountId: result.accountId,
        recordId: result.recordId,
      });
      this.logger.info('outcome email applied', { session: key, record: result.recordId });
      return result;
    } catch (err) {
      // Not applied: forget it, so the same email can be sent again once the cause is fixed.
      await this.applied.delete(key);
      throw err;
    }
  }

  private async apply(
    session: PlatformSession,
    key: string,
    mail: ParsedMail,
  ): Promise<IngestResult> {
    const actions: string[] = [];
    const record = await this.findOrCreateRecord(session, actions);
    const recordId = record.id;
    if (record.status !== undefined && actions.every((a) => !a.startsWith('created record'))) {
      await this.crm.updateRecord(recordId, { status: session.status }).then(
        (r) => actions.push(`status ${String(r.status)}`),
        (err: unknown) => {
          if (!(err instanceof AppError)) throw err;
          actions.push(`status unchanged (${err.message})`);
        },
      );
    }
    await this.crm.addComment(
      recordId,
      { body: sessionSummary(session) },
      { id: `${key}-ingested-summary` },
    );
    actions.push('summary comment added');
    const transcript = transcriptOf(mail, key);
    if (transcript) {
      await this.crm.addAttachment(
        recordId,
        {
          data: transcript.content,
          filename: transcript.filename ?? `${key}.txt`,
          contentType: transcript.contentType || 'text/plain',
        },
        { id: `${key}-transcript` },
      );
      actions.push(`${transcript.filename ?? 'transcript'} attached`);
    }
    return {
      session: key,
      duplicate: false,
      accountId: String(record.accountId),
      recordId,
      actions,
    };
  }

  private async findOrCreateRecord(session: PlatformSession, actions: string[]): Promise<Entity> {
    const ticket = session.out_ticket_id;
    if (ticket !== null && ticket !== undefined && ticket !== '') {
      const found = await this.crm.records.get(String(ticket)).catch(() => null);
      if (found) return found;
      actions.push(`out_ticket_id ${String(ticket)} is not a record here`);
    }
    const vars = sessionVariables(session);
    const text = (v: unknown): string | undefined =>
      v === undefined || v === null || v === '' ? undefined : String(v);
    let account = await this.crm.findAccountByIdentity({
      phone: text(vars.PHONE_NUMBER),
      email: text(vars.EMAIL),
      customUserId: text(vars.CUSTOM_USER_ID),
      ccaipId: text(vars.CCAIP_ID),
    });
    if (!account) {
      account = await this.crm.createAccount({
        name:
          text(vars.NAME) ??
          `Caller ${text(vars.CUSTOM_USER_ID) ?? text(vars.CCAIP_ID) ?? sessionKey(session)}`,
        phone: text(vars.PHONE_NUMBER),
        email: text(vars.EMAIL),
        customUserId: text(vars.CUSTOM_USER_ID),
        ccaipId: text(vars.CCAIP_ID),
      });
      actions.push(`created account ${account.id}`);
    }
    const menu = text(vars.MENU_PATH);
    const open = await this.crm.latestOpenRecord(account.id, menu);
    if (open) return open;
    // Made for this session by an earlier attempt that stopped half-way (it may be closed now).
    const made = await this.crm.sessionRecord(account.id, sessionKey(session));
    if (made) return made;
    const created = await this.crm.createRecord({
      accountId: account.id,
      subject: text(vars.TICKET_SUBJECT),
      menu,
      sessionId: sessionKey(session),
      status: session.status,
    });
    actions.push(`created record ${created.id}`);
    return created;
  }
}
