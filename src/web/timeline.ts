/** What happened to a record, oldest first: the timeline on its page. */
export interface TimelineEntry {
  at: string;
  kind: 'created' | 'updated' | 'comment' | 'attachment';
  text: string;
}

interface Dated {
  createdAt: string;
}

const ORDER: Readonly<Record<TimelineEntry['kind'], number>> = {
  created: 0,
  comment: 1,
  attachment: 2,
  updated: 3,
};

const FIRST_LINE_LENGTH = 120;

function firstLine(text: string): string {
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  return line.length > FIRST_LINE_LENGTH ? `${line.slice(0, FIRST_LINE_LENGTH - 1)}…` : line;
}

/**
 * Merges the record's creation, its last update, its comments and its attachments by time. The
 * store keeps only the latest update time, so that is the one update shown; at equal times the
 * creation comes first and the update last, the order in which they must have happened.
 */
export function buildTimeline(
  record: Dated & { updatedAt: string },
  comments: readonly (Dated & { body?: unknown })[],
  attachments: readonly (Dated & { filename: string })[],
): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    { at: record.createdAt, kind: 'created', text: 'Record created' },
    ...comments.map((c) => ({
      at: c.createdAt,
      kind: 'comment' as const,
      text: firstLine(typeof c.body === 'string' ? c.body : ''),
    })),
    ...attachments.map((a) => ({
      at: a.createdAt,
      kind: 'attachment' as const,
      text: `Attached ${a.filename}`,
    })),
  ];
  if (record.updatedAt !== record.createdAt)
    entries.push({ at: record.updatedAt, kind: 'updated', text: 'Record last updated' });
  return entries.sort((a, b) => a.at.localeCompare(b.at) || ORDER[a.kind] - ORDER[b.kind]);
}
