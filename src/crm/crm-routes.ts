import express, { type Request, type Response, Router } from 'express';
import type { AttachmentView } from '../api/openapi/crm-operations';
import type { CrmConfig } from '../shared/config/crm-schema';
import { AppError } from '../shared/errors/app-error';
import type { Attachment, CrmService, Page } from './crm-service';
import { type EntityFields } from './entity-fields';
import { listQuery } from './entity-query';
import { fileFromJson, fileFromMultipart, multipartFile } from './upload-body';

export interface CrmRoutesOptions {
  crm: CrmService;
  config: CrmConfig;
  uploadLimitBytes: number;
  maxPageSize: number;
  /** Base for absolute links; the request's own origin when not configured. */
  publicUrl?: string;
}

export function crmRoutes(options: CrmRoutesOptions): Router {
  const { crm, config, uploadLimitBytes, maxPageSize } = options;
  const { listKey, itemKey } = config.responses;
  const router = Router();

  const item = (res: Response, status: number, value: object): void => {
    res.status(status).json(itemKey === '' ? value : { [itemKey]: value });
  };
  const list = (res: Response, page: Page<object>): void => {
    res.json({
      [listKey]: page.items,
      meta: { total: page.total, limit: page.limit, offset: page.offset },
    });
  };
  const query = (req: Request, fields: EntityFields) => listQuery(req.query, fields, maxPageSize);
  const param = (req: Request, name: string): string => String(req.params[name]);

  const origin = (req: Request): string =>
    options.publicUrl?.replace(/\/$/, '') ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  const withUrl = (req: Request, a: Attachment): AttachmentView => ({
    ...a,
    url: `${origin(req)}/api/v1/records/${encodeURIComponent(a.recordId)}/attachments/${encodeURIComponent(a.id)}`,
  });

  router.get('/accounts', async (req, res) =>
    list(res, await crm.accounts.list(query(req, crm.accounts.fields))),
  );
  router.get('/accounts/:id', async (req, res) =>
    item(res, 200, await crm.accounts.get(param(req, 'id'))),
  );
  router.post('/accounts', async (req, res) => item(res, 201, await crm.createAccount(req.body)));

  router.get('/records', async (req, res) =>
    list(res, await crm.records.list(query(req, crm.records.fields))),
  );
  router.get('/records/:id', async (req, res) =>
    item(res, 200, await crm.records.get(param(req, 'id'))),
  );
  router.post('/records', async (req, res) => item(res, 201, await crm.createRecord(req.body)));
  const update = async (req: Request, res: Response) =>
    item(res, 200, await crm.updateRecord(param(req, 'id'), req.body));
  router.put('/records/:id', update);
  router.patch('/records/:id', update);

  router.get('/records/:id/comments', async (req, res) =>
    list(res, await crm.listComments(param(req, 'id'), query(req, crm.comments.fields))),
  );
  router.post('/records/:id/comments', async (req, res) =>
    item(res, 201, await crm.addComment(param(req, 'id'), req.body)),
  );

  // Base64 inflates by 4/3; the JSON limit leaves room for that and the other fields.
  const uploadJson = express.json({ limit: Math.ceil((uploadLimitBytes * 4) / 3) + 64 * 1024 });
  const multipart = multipartFile(uploadLimitBytes);
  router.post(
    '/records/:id/attachments',
    async (req, res, next) => {
      if (req.is('multipart/form-data')) multipart(req, res, next);
      else if (req.is('application/json')) uploadJson(req, res, next);
      else
        next(
          new AppError(
            415,
            'unsupported_media_type',
            'send the file as application/json (base64 "file") or multipart/form-data (field "file")',
          ),
        );
    },
    async (req, res) => {
      const file = req.is('multipart/form-data')
        ? fileFromMultipart(req)
        : fileFromJson(req.body, uploadLimitBytes);
      const attachment = await crm.addAttachment(param(req, 'id'), file);
      res.status(201).json(withUrl(req, attachment));
    },
  );
  router.get('/records/:id/attachments', async (req, res) => {
    const attachments = await crm.listAttachments(param(req, 'id'));
    res.json({ [listKey]: attachments.map((a) => withUrl(req, a)) });
  });
  router.get('/records/:id/attachments/:attachmentId', async (req, res) => {
    const { attachment, data } = await crm.getAttachment(
      param(req, 'id'),
      param(req, 'attachmentId'),
    );
    res.set({
      'Content-Type': attachment.contentType,
      'Content-Disposition': `attachment; filename="${attachment.filename}"; filename*=UTF-8''${encodeURIComponent(attachment.filename)}`,
      'X-Content-Type-Options': 'nosniff',
    });
    res.send(data);
  });

  return router;
}
