import { buildTimeline } from '../../src/web/timeline';

describe('buildTimeline', () => {
  test('When a record has comments and attachments, then they are merged oldest first', () => {
    const entries = buildTimeline(
      { createdAt: '2026-01-01T10:00:00.000Z', updatedAt: '2026-01-01T10:05:00.000Z' },
      [
        { createdAt: '2026-01-01T10:03:00.000Z', body: 'Second\nmore lines' },
        { createdAt: '2026-01-01T10:01:00.000Z', body: 'First' },
      ],
      [{ createdAt: '2026-01-01T10:02:00.000Z', filename: 'chat-1.txt' }],
    );
    expect(entries.map((e) => [e.kind, e.text])).toEqual([
      ['created', 'Record created'],
      ['comment', 'First'],
      ['attachment', 'Attached chat-1.txt'],
      ['comment', 'Second'],
      ['updated', 'Record last updated'],
    ]);
  });

  test('When the record was never updated, then no update is listed', () => {
    const at = '2026-01-01T10:00:00.000Z';
    expect(buildTimeline({ createdAt: at, updatedAt: at }, [], []).map((e) => e.kind)).toEqual([
      'created',
    ]);
  });

  test('When a comment is long, then the timeline shows its start', () => {
    const at = '2026-01-01T10:00:00.000Z';
    const [, comment] = buildTimeline(
      { createdAt: at, updatedAt: at },
      [{ createdAt: at, body: 'x'.repeat(500) }],
      [],
    );
    expect(comment?.text).toHaveLength(120);
    expect(comment?.text.endsWith('…')).toBe(true);
  });
});
