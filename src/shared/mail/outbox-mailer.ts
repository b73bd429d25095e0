import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createTransport } from 'nodemailer';
import { hasErrorCode } from '../errors/system-error';
import type { Outbox, OutboxEntry } from './mail-port';
import { toSendMailOptions } from './smtp-mailer';

/** `20240501T101503123Z-0123456789abcdef`: sorts by write time; the id is the file name's stem. */
const ID = /^\d{8}T\d{9}Z-[0-9a-f]{16}$/;
const EXTENSION = '.eml';
/** Enough for any header block we write; list() never reads a whole message. */
const HEAD_BYTES = 16 * 1024;
const DEFAULT_LIST_LIMIT = 100;

export function createOutboxMailer(dir: string): Outbox {
  /*
   * The stream transport runs the same nodemailer pipeline as the SMTP transport (Message-ID,
   * Date, header encoding, MIME tree) and hands back the bytes instead of sending them; CRLF
   * line ends are what SMTP puts on the wire. So a .eml file is exactly what SMTP would send.
   */
  const composer = createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  let ready: Promise<unknown> | undefined;
  // Created once; a failure is not remembered, so fixing the disk needs no restart.
  const ensureDir = () =>
    (ready ??= mkdir(dir, { recursive: true }).catch((err: unknown) => {
      ready = undefined;
      throw err;
    }));

  return {
    kind: 'outbox',
    async send(message) {
      const info = await composer.sendMail(toSendMailOptions(message));
      if (!Buffer.isBuffer(info.message)) throw new Error('outbox: expected a buffered message');
      await ensureDir();
      const id = `${sortableTime(new Date())}-${hash(info.messageId)}`;
      await writeAtomically(join(dir, id + EXTENSION), info.message);
      return { messageId: info.messageId };
    },
    async list(limit = DEFAULT_LIST_LIMIT) {
      const ids = (await listIds(dir)).sort().reverse().slice(0, Math.max(0, limit));
      const entries = await Promise.all(ids.map((id) => readEntry(dir, id)));
      return entries.filter((e): e is OutboxEntry => e !== null);
    },
    async read(id) {
      if (!ID.test(id)) return null;
      try {
        return await readFile(join(dir, id + EXTENSION));
      } catch (err) {
        if (hasErrorCode(err, 'ENOENT')) return null;
        throw err;
      }
    },
    async ping() {
      // Writing a file is the only honest test: access(W_OK) passes for root on a full or
      // read-only disk.
      await ensureDir();
      const probe = join(dir, `.ping-${randomBytes(6).toString('hex')}`);
      await writeAtomically(probe, Buffer.alloc(0));
      await unlink(probe);
    },
    async close() {
      composer.close();
    },
  };
}

function sortableTime(date: Date): string {
  return date.toISOString().replace(/[-:.]/g, '');
}

function hash(messageId: string): string {
  return createHash('sha256').update(messageId).digest('hex').slice(0, 16);
}

/** Readers (the /outbox page, ingestion) never see half a message: write aside, then rename. */
async function writeAtomically(path: string, data: Buffer): Promise<void> {
  const temp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const file = await open(temp, 'wx');
    try {
      await file.writeFile(data);
      // Durable before it is visible: the queue counts the email as sent once this resolves.
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}

async function listIds(dir: string): Promise<string[]> {
  try {
    const names = await readdir(dir);
    return names
      .filter((n) => n.endsWith(EXTENSION))
      .map((n) => n.slice(0, -EXTENSION.length))
      .filter((id) => ID.test(id));
  } catch (err) {
    if (hasErrorCode(err, 'ENOENT')) return [];
    throw err;
  }
}

async function readEntry(dir: string, id: string): Promise<OutboxEntry | null> {
  let file;
  try {
    file = await open(join(dir, id + EXTENSION), 'r');
  } catch (err) {
    if (hasErrorCode(err, 'ENOENT')) return null; // deleted since the directory was read
    throw err;
  }
  try {
    const { size } = await file.stat();
    const head = Buffer.alloc(Math.min(size, HEAD_BYTES));
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    const headers = parseHeaders(head.subarray(0, bytesRead).toString('latin1'));
    return {
      id,
      date: dateOf(id),
      from: headers.get('from') ?? '',
      to: headers.get('to') ?? '',
      subject: headers.get('subject') ?? '',
      size,
    };
  } finally {
    await file.close();
  }
}

/** The write time, from the id: cheaper than the Date header and what "newest first" sorts by. */
function dateOf(id: string): string {
  const [, y, mo, d, h, mi, s, ms] =
    /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)(\d{3})Z/.exec(id) ?? [];
  return `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`;
}

/**
 * The top-level headers, unfolded and with RFC 2047 words decoded; first occurrence wins.
 * Read as latin1 so every byte survives until the encoded words are decoded.
 */
function parseHeaders(head: string): Map<string, string> {
  const end = head.search(/\r?\n\r?\n/);
  const block = (end === -1 ? head : head.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, decodeWords(line.slice(colon + 1).trim()));
  }
  return headers;
}

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

/**
 * Decodes `=?UTF-8?Q?...?=` words. Adjacent words of one charset are joined before decoding
 * because an encoder may split a multi-byte character across two of them.
 */
function decodeWords(value: string): string {
  // Whitespace between two encoded words is not part of the text (RFC 2047, 6.2).
  const text = value.replace(/(\?=)\s+(?==\?)/g, '$1');
  let out = '';
  let pending: { charset: string; bytes: Buffer[] } | undefined;
  let last = 0;
  const flush = () => {
    if (pending) out += decodeBytes(Buffer.concat(pending.bytes), pending.charset);
    pending = undefined;
  };
  for (const match of text.matchAll(ENCODED_WORD)) {
    const [word, rawCharset = '', encoding = '', data = ''] = match;
    const start = match.index;
    const charset = rawCharset.split('*')[0]?.toLowerCase() ?? '';
    if (start > last || pending?.charset !== charset) {
      flush();
      out += latin1ToText(text.slice(last, start));
    }
    const bytes =
      encoding.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64')
        : Buffer.from(
            data
              .replace(/_/g, ' ')
              .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) =>
                String.fromCharCode(parseInt(hex, 16)),
              ),
            'latin1',
          );
    pending ??= { charset, bytes: [] };
    pending.bytes.push(bytes);
    last = start + word.length;
  }
  flush();
  return out + latin1ToText(text.slice(last));
}

/** Unencoded header text we wrote is UTF-8 (nodemailer encodes non-ASCII, but be lenient). */
function latin1ToText(s: string): string {
  return Buffer.from(s, 'latin1').toString('utf8');
}

function decodeBytes(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return bytes.toString('latin1'); // an unknown charset: show something rather than nothing
  }
}
