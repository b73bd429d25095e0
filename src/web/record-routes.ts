import { Router } from 'express';
import type { CrmService, Entity } from '../crm/crm-service';
import type { PlatformCalls } from '../platform/platform-calls';
import { accountHref, accountRecords } from './account-routes';
import { fieldRows } from './field-view';
import type { ShowPage } from './page';
import { pathParam } from './path-param';
import { callbackNumber, callbackRoute, knownQueues, platformPanel } from './platform-panel';
import { requireStaff } from './staff-auth';
import { buildTimeline } from './timeline';

const MAX_COMMENTS = 200;
/** A stored content type is sent back only when it looks like one; else plain bytes. */
const CONTENT_TYPE = /^[\w.+-]+\/[\w.+-]+$/;

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

async function accountOf(crm: CrmService, accountId: unknown): Promise<Entity | undefined> {
  if (typeof accountId !== 'string') return undefined;
  return (await crm.accounts.exists(accountId)) ? crm.accounts.get(accountId) : undefined;
}

/** The number a callback for this record calls: the record's own, else its account's. */
const phoneOf = (crm: CrmService, record: Entity, account: Entity | undefined) =>
  callbackNumber(text(record.phone) ?? account?.phone, crm.records.fields.region);

/** The record's queue first, then the account's other queues, newest first. */
async function recordQueues(crm: CrmService, record: Entity) {
  const others =
    typeof record.accountId === 'string' ? (await accountRecords(crm, record.accountId)).items : [];
  return knownQueues([record, ...others]);
}

/**
 * `/records/:id`: fields, status, comments, attachments and the timeline merging them, and the
 * platform calls (a callback that pops this record); and the attachment downloads, behind the
 * staff session like the pages.
 */
export function recordRoutes(crm: CrmService, show: ShowPage, platform: PlatformCalls): Router {
  const router = Router();

  router.get('/records/:id', requireStaff, async (req, res) => {
    const record: Entity = await crm.records.get(pathParam(req, 'id'));
    const [comments, attachments, account, queues] = await Promise.all([
      crm.listComments(record.id, { filter: undefined, limit: MAX_COMMENTS, offset: 0 }),
      crm.listAttachments(record.id),
      accountOf(crm, record.accountId),
      platform.availability.enabled ? recordQueues(crm, record) : [],
    ]);
    const base = `/records/${encodeURIComponent(record.id)}`;
    show(req, res, 'record', {
      title: text(record.subject) ?? 'Record',
      record: {
        id: record.id,
        status: text(record.status) ?? '',
        createdAt: record.createdAt,
        updatedAt: record.updatedAt,
        fields: fieldRows(record, crm.records.fields, ['subject', 'status', 'accountId']),
      },
      account:
        typeof record.accountId === 'string'
          ? { href: accountHref(record.accountId), name: text(account?.name) ?? record.accountId }
          : undefined,
      comments: [...comments.items]
        .reverse()
        .map((c) => ({ body: text(c.body) ?? '', createdAt: c.createdAt })),
      moreComments: comments.total > comments.items.length,
      attachments: attachments.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        size: a.size,
        createdAt: a.createdAt,
        href: `${base}/attachments/${encodeURIComponent(a.id)}/download`,
      })),
      timeline: buildTimeline(record, comments.items, attachments),
      platform: await platformPanel(req, platform, {
        action: `${base}/callback`,
        queues,
        phone: phoneOf(crm, record, account),
      }),
    });
  });

  router.post(
    '/records/:id/callback',
    requireStaff,
    ...callbackRoute(platform, async (req) => {
      const record = await crm.records.get(pathParam(req, 'id'));
      return {
        phone: phoneOf(crm, record, await accountOf(crm, record.accountId)),
        ticketId: record.id,
        back: `/records/${encodeURIComponent(record.id)}`,
      };
    }),
  );

  router.get('/records/:id/attachments/:attachmentId/download', requireStaff, async (req, res) => {
    const { attachment, data } = await crm.getAttachment(
      pathParam(req, 'id'),
      pathParam(req, 'attachmentId'),
    );
    const type = CONTENT_TYPE.test(attachment.contentType)
      ? attachment.contentType
      : 'application/octet-stream';
    // Always a download, never rendered here: the bytes came from outside.
    res.attachment(attachment.filename);
    res.set({ 'Content-Type': type, 'Cache-Control': 'no-store' }).send(data);
  });
  return router;
}
