/** The mail port: SMTP through nodemailer (SMTP_URL), or an outbox of .eml files in DATA_DIR. */

export interface MailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

export interface MailMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  attachments?: MailAttachment[];
  /** Extra headers, e.g. X-Crm-Bridge-Session. */
  headers?: Record<string, string>;
}

export interface SentMail {
  messageId: string;
}

export interface OutboxEntry {
  id: string;
  /** When it was written, ISO 8601. */
  date: string;
  from: string;
  to: string;
  subject: string;
  size: number;
}

export interface Mailer {
  readonly kind: 'smtp' | 'outbox';
  /** Rejects when the message could not be handed over (SMTP down, disk full): retry later. */
  send(message: MailMessage): Promise<SentMail>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The outbox adapter also lets people read what it "sent". */
export interface Outbox extends Mailer {
  readonly kind: 'outbox';
  list(limit?: number): Promise<OutboxEntry[]>;
  /** The raw MIME message. */
  read(id: string): Promise<Buffer | null>;
}
