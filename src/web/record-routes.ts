import { Router } from 'express';
import type { CrmService, Entity } from '../crm/crm-service';
import { fieldRows } from './field-view';
import type { ShowPage } from './page';
import { pathParam } from './path-param';
import { requireStaff } from './staff-auth';
import { buildTimeline } from './timeline';

const MAX_COMMENTS = 200;
/** A stored content type is sent back only when it looks like one; else plain bytes. */
const CONTENT_TYPE = /^[\w.+-]+\/[\w.+-]+$/;

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

async function accountLink(crm: CrmService, accountId: unknown) {
  if (typeof accountId !== 'string') return undefined;
  const exists = await crm.accounts.exists(accountId);
  const account = exists ? await crm.accounts.get(accountId) : undefined;
  return {
    href: `/accounts/${encodeURIComponent(accountId)}`,
    name: text(account?.name) ?? accountId,
  };
}

/**
 * `/records/:id`: fields, status, comments, attachments and the timeline merging them; and the
 * attachment downloads, behind the staff session like the pages.
 */
export function recordRoutes(crm: CrmService, show: ShowPage): Router {
  const router = Router();

  router.get('/records/:id', requireStaff, async (req, res) => {
    const record: Entity = await crm.records.get(pathParam(req, 'id'));
    const [comments, attachments, account] = await Promise.all([
      crm.listComments(record.id, { filter: undefined, limit: MAX_COMMENTS, offset: 0 }),
      crm.listAttachments(record.id),
      accountLink(crm, record.accountId),
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
      account,
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
    });
  });

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
