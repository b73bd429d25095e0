import { randomBytes } from 'node:crypto';
import type { Logger } from '../shared/log/logger';
import type { Collection, Filter, Store } from '../shared/store/store-port';
import { snapshotBody } from './body-snapshot';
import { maskHeaders, maskUrl } from './journal-mask';
import {
  type InboundCall,
  type InboundEntry,
  detailText,
  type JournalDocument,
  type OutboundCall,
  type OutboundEntry,
  statusClassOf,
  toInboundEntry,
  toOutboundEntry,
} from './journal-entry';
import { maskText, maskValue } from '../shared/log/mask';
import type { JournalQuery } from './journal-query';

export interface JournalSettings {
  enabled: boolean;
  /** Entries kept, inbound and outbound together; older ones are removed. */
  maxEntries: number;
  /** Bytes of each body kept. */
  bodyBytes: number;
}

export interface JournalPage {
  entries: InboundEntry[];
  /** Pass as `cursor` for the next (older) page; absent on the last page. */
  nextCursor?: string;
}

export const JOURNAL_COLLECTION = 'journal';
/** Entries are written this long after the first of a batch is recorded. */
const FLUSH_DELAY_MS = 100;
/** Sequence numbers per store query: the port has no range conditions, so ranges are `in` lists. */
const SEQ_WINDOW = 500;

const range = (from: number, to: number): number[] =>
  Array.from({ length: Math.max(to - from, 0) }, (_, i) => from + i);

/**
 * The request journal: a ring of the newest `maxEntries` calls in the store. Recording is a push
 * onto a buffer (nothing is awaited by the request); masking, cutting and writing happen in a
 * batch shortly after, and each batch trims the ring by sequence number. A failure to write is
 * logged and the batch dropped: the journal never fails a request.
 */
export class Journal {
  private pending: (() => JournalDocument)[] = [];
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly secretHeaders: ReadonlySet<string>;
  /** Ids are `<instance>-<seq>`: unique across restarts and processes, and cheap to make. */
  private readonly instance = randomBytes(6).toString('base64url');

  private constructor(
    private readonly collection: Collection<JournalDocument>,
    readonly settings: JournalSettings,
    private readonly logger: Logger,
    secretHeaders: readonly string[],
    /** The sequence number of the next entry recorded. */
    private nextSeq: number,
    /** The lowest sequence number that may still be stored. */
    private oldest: number,
  ) {
    this.secretHeaders = new Set(secretHeaders.map((name) => name.toLowerCase()));
  }

  static async open(
    store: Store,
    settings: JournalSettings,
    logger: Logger,
    /** Header names to hide besides the usual ones: server.yaml's header credentials. */
    secretHeaders: readonly string[] = [],
  ): Promise<Journal> {
    const collection = store.collection<JournalDocument>(JOURNAL_COLLECTION);
    await collection.ensureIndex('seq');
    await collection.ensureIndex('requestId');
    const edge = async (direction: 'asc' | 'desc') =>
      (await collection.find(undefined, { sort: [{ field: 'seq', direction }], limit: 1 }))[0]?.seq;
    const nextSeq = ((await edge('desc')) ?? 0) + 1;
    const oldest = (await edge('asc')) ?? nextSeq;
    return new Journal(collection, settings, logger, secretHeaders, nextSeq, oldest);
  }

  recordInbound(call: InboundCall): void {
    this.enqueue((seq) => ({
      ...this.common(seq, 'inbound', call),
      path: maskText(call.path),
      detail: detailText({
        ...this.exchanged(call),
        query: maskValue(call.query) as Record<string, unknown>,
      }),
    }));
  }

  recordOutbound(call: OutboundCall): void {
    this.enqueue((seq) => ({
      ...this.common(seq, 'outbound', call),
      detail: detailText({
        ...this.exchanged(call),
        endpoint: call.endpoint,
        url: maskUrl(call.url),
        ...(call.error && { error: call.error }),
      }),
    }));
  }

  /** Writes what is buffered; resolves when it is stored (or its failure logged). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writing.then(() => this.writeBatch());
    return this.writing;
  }

  /** Writes what is buffered and records nothing more: before the store closes. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  /** Newest first, each inbound call with the outbound calls it caused. */
  async list(query: JournalQuery): Promise<JournalPage> {
    await this.flush();
    const conditions = filterOf(query);
    const found: JournalDocument[] = [];
    let top = Math.min(query.before ?? Number.MAX_SAFE_INTEGER, this.nextSeq) - 1;
    while (top >= this.oldest && found.length <= query.limit) {
      const bottom = Math.max(this.oldest, top - SEQ_WINDOW + 1);
      const docs = await this.collection.find(
        { and: [{ field: 'seq', op: 'in', values: range(bottom, top + 1) }, ...conditions] },
        { sort: [{ field: 'seq', direction: 'desc' }] },
      );
      found.push(...docs.filter((doc) => inTimeRange(doc.at, query)));
      top = bottom - 1;
    }
    const page = found.slice(0, query.limit);
    const outbound = await this.outboundOf(page.map((doc) => doc.requestId));
    const last = page.at(-1);
    return {
      entries: page.map((doc) => toInboundEntry(doc, outbound.get(doc.requestId) ?? [])),
      ...(found.length > query.limit && last && { nextCursor: String(last.seq) }),
    };
  }

  private async outboundOf(requestIds: string[]): Promise<Map<string, OutboundEntry[]>> {
    const byRequest = new Map<string, OutboundEntry[]>();
    if (requestIds.length === 0) return byRequest;
    const docs = await this.collection.find(
      {
        and: [
          { field: 'kind', op: 'eq', value: 'outbound' },
          { field: 'requestId', op: 'in', values: [...new Set(requestIds)] },
        ],
      },
      { sort: [{ field: 'seq', direction: 'asc' }] },
    );
    for (const doc of docs) {
      const calls = byRequest.get(doc.requestId) ?? [];
      calls.push(toOutboundEntry(doc));
      byRequest.set(doc.requestId, calls);
    }
    return byRequest;
  }

  private common(seq: number, kind: JournalDocument['kind'], call: InboundCall | OutboundCall) {
    return {
      id: `${this.instance}-${seq}`,
      seq,
      kind,
      requestId: call.requestId,
      at: call.at.toISOString(),
      method: call.method,
      status: call.status ?? null,
      statusClass: statusClassOf(call.status),
      durationMs: Math.round(call.durationMs * 10) / 10,
    };
  }

  private exchanged(call: InboundCall | OutboundCall) {
    const requestBody = snapshotBody(call.requestBody, this.settings.bodyBytes);
    const responseBody = snapshotBody(call.responseBody, this.settings.bodyBytes);
    return {
      request: {
        ...(call.headers && { headers: maskHeaders(call.headers, this.secretHeaders) }),
        ...(requestBody && { body: requestBody }),
      },
      response: responseBody ? { body: responseBody } : {},
    };
  }

  private enqueue(build: (seq: number) => JournalDocument): void {
    if (!this.settings.enabled || this.closed) return;
    const seq = this.nextSeq++;
    this.pending.push(() => build(seq));
    // A store that cannot keep up must not grow the buffer without end: the oldest go first.
    if (this.pending.length > this.settings.maxEntries) this.pending.shift();
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_DELAY_MS).unref();
  }

  private async writeBatch(): Promise<void> {
    const batch = this.pending.splice(0);
    const written = await Promise.allSettled(
      batch.map(async (build) => this.collection.insert(build())),
    );
    const failed = written.filter((result) => result.status === 'rejected');
    if (failed[0]) this.logFailure(`${failed.length} of ${batch.length} entries`, failed[0].reason);
    await this.trim().catch((error: unknown) => this.logFailure('trimming the ring', error));
  }

  private logFailure(what: string, error: unknown): void {
    this.logger.error(`request journal: ${what} could not be written`, {
      error: error instanceof Error ? error.message : String(error),
    });
  }

  /** Removes what fell out of the ring, `SEQ_WINDOW` sequence numbers per query. */
  private async trim(): Promise<void> {
    const keepFrom = this.nextSeq - this.settings.maxEntries;
    while (this.oldest < keepFrom) {
      const end = Math.min(this.oldest + SEQ_WINDOW, keepFrom);
      await this.collection.deleteMany({ field: 'seq', op: 'in', values: range(this.oldest, end) });
      this.oldest = end;
    }
  }
}

function filterOf(query: JournalQuery): Filter[] {
  const conditions: Filter[] = [{ field: 'kind', op: 'eq', value: 'inbound' }];
  if (query.path !== undefined)
    conditions.push({ field: 'path', op: 'startsWith', value: query.path });
  if (query.status !== undefined)
    conditions.push({ field: 'status', op: 'eq', value: query.status });
  if (query.statusClass !== undefined) {
    conditions.push({ field: 'statusClass', op: 'eq', value: query.statusClass });
  }
  if (query.requestId !== undefined) {
    conditions.push({ field: 'requestId', op: 'eq', value: query.requestId });
  }
  return conditions;
}

const inTimeRange = (at: string, query: JournalQuery): boolean =>
  (query.from === undefined || at >= query.from) && (query.to === undefined || at <= query.to);
