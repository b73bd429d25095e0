import type { Request, RequestHandler } from 'express';
import multer from 'multer';
import { AppError, unprocessable } from '../shared/errors/app-error';
import type { NewAttachment } from './crm-service';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const DATA_URL = /^data:([\w.+-]+\/[\w.+-]+)?(;[^,]*)?;base64,/;

export const tooLarge = (limitBytes: number): AppError =>
  new AppError(
    413,
    'payload_too_large',
    `the file is larger than the upload limit of ${limitBytes} bytes`,
  );

/** Strips characters that would break a Content-Disposition header or a path. */
export const safeFilename = (name: string): string =>
  name
    .replace(/[\\/]/g, '_')
    .replace(/[\p{Cc}"]/gu, '')
    .slice(0, 255) || 'file';

/** JSON upload: `{ file: <base64 or data: URL>, filename?, content_type? | contentType? }`. */
export function fileFromJson(body: unknown, limitBytes: number): NewAttachment {
  const source = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const raw = source.file ?? source.data ?? source.FILE_DATA;
  if (typeof raw !== 'string' || raw.length === 0) {
    throw unprocessable('the upload has no file', [
      { field: 'file', message: 'expected the file content as a base64 string' },
    ]);
  }
  const dataUrl = DATA_URL.exec(raw);
  const encoded = (dataUrl ? raw.slice(dataUrl[0].length) : raw).replace(/\s+/g, '');
  if (!BASE64.test(encoded) && !BASE64URL.test(encoded)) {
    throw unprocessable('the file is not valid base64', [
      { field: 'file', message: 'is not valid base64' },
    ]);
  }
  if (Math.floor((encoded.length * 3) / 4) > limitBytes + 2) throw tooLarge(limitBytes);
  const data = Buffer.from(encoded, BASE64.test(encoded) ? 'base64' : 'base64url');
  if (data.length > limitBytes) throw tooLarge(limitBytes);
  const filename = source.filename ?? source.fileName ?? source.name;
  const contentType = source.content_type ?? source.contentType ?? dataUrl?.[1];
  return {
    data,
    filename: safeFilename(typeof filename === 'string' ? filename : 'file'),
    contentType:
      typeof contentType === 'string' && contentType !== ''
        ? contentType
        : 'application/octet-stream',
  };
}

/** Multipart upload: the file part is the field `file`; other fields are ignored here. */
export function multipartFile(limitBytes: number): RequestHandler {
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: limitBytes, files: 1, fields: 50, fieldSize: 64 * 1024 },
  }).single('file');
  return (req, res, next) => {
    upload(req, res, (err: unknown) => {
      if (err instanceof multer.MulterError) {
        if (err.code === 'LIMIT_FILE_SIZE') next(tooLarge(limitBytes));
        else
          next(
            unprocessable(`the multipart body was refused: ${err.message}`, [
              { field: err.field ?? 'file', message: err.message },
            ]),
          );
        return;
      }
      next(err);
    });
  };
}

export function fileFromMultipart(req: Request): NewAttachment {
  const file = req.file;
  if (!file) {
    throw unprocessable('the upload has no file', [
      { field: 'file', message: 'send the file as the multipart field "file"' },
    ]);
  }
  return {
    data: file.buffer,
    filename: safeFilename(file.originalname),
    contentType: file.mimetype || 'application/octet-stream',
  };
}
