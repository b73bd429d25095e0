/** What the loopback CRM (bench/servers/loopback-crm.ts) answers with, shared with the flow suite. */
export const LOOPBACK_IDS = {
  account: 'acc-bench-1',
  record: 'rec-bench-1',
  comment: 'com-bench-1',
  attachment: 'att-bench-1',
} as const;

/** The attachment's download URL the loopback CRM answers an upload with. */
export const attachmentUrl = (origin: string): string =>
  `${origin}/api/v1/records/${LOOPBACK_IDS.record}/attachments/${LOOPBACK_IDS.attachment}`;
