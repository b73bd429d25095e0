import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';

/** The part of busboy's API used here: busboy (the parser behind multer) ships no types. */
interface Busboy {
  on(
    event: 'file',
    listener: (
      name: string,
      stream: Readable,
      info: { filename: string; mimeType: string },
    ) => void,
  ): this;
  on(event: 'field', listener: (name: string, value: string) => void): this;
  on(event: 'close', listener: () => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  end(chunk?: Buffer): void;
}
const busboy = createRequire(__filename)('busboy') as (config: {
  headers: Record<string, string>;
}) => Busboy;

export interface MultipartPart {
  name: string;
  value?: string;
  filename?: string;
  mimeType?: string;
  data?: Buffer;
}

/** The parts of a multipart body in order, read by a real parser (fields and files alike). */
export function parseMultipart(
  contentType: string,
  body: Buffer | undefined,
): Promise<MultipartPart[]> {
  return new Promise((resolve, reject) => {
    const parts: MultipartPart[] = [];
    const parser = busboy({ headers: { 'content-type': contentType } });
    parser.on('field', (name, value) => parts.push({ name, value }));
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      const part: MultipartPart = { name, filename: info.filename, mimeType: info.mimeType };
      parts.push(part);
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        part.data = Buffer.concat(chunks);
      });
    });
    parser.on('close', () => resolve(parts));
    parser.on('error', reject);
    parser.end(body);
  });
}
