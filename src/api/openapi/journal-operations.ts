import { z } from 'zod';
import type { InboundEntry } from '../../journal/journal-entry';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../../journal/journal-query';
import { errors } from './error-responses';
import type { Operation } from './operation';

const when = z.iso.datetime();

const exchanged = z.object({
  headers: z.record(z.string(), z.unknown()).optional().describe('secrets masked'),
  body: z
    .object({
      text: z.string().optional().describe('masked (secrets, phones, emails), cut to bodyBytes'),
      bytes: z.number().int().nonnegative().optional(),
      truncated: z.boolean().optional(),
    })
    .optional(),
});

const outboundEntry = z.object({
  at: when,
  endpoint: z.string().describe('the generic-api.yaml endpoint or event action'),
  method: z.string(),
  url: z.string(),
  status: z.number().int().nullable().describe('null when no answer came (see error)'),
  durationMs: z.number().nonnegative(),
  request: exchanged,
  response: exchanged,
  error: z
    .object({ name: z.string(), message: z.string(), code: z.string().optional() })
    .optional(),
});

const inboundEntry = z.object({
  requestId: z.string(),
  at: when,
  method: z.string(),
  path: z.string(),
  query: z.record(z.string(), z.unknown()),
  status: z.number().int().nullable(),
  durationMs: z.number().nonnegative(),
  request: exchanged,
  response: exchanged,
  outbound: z.array(outboundEntry).describe('the outbound calls it caused, in order'),
}) satisfies z.ZodType<InboundEntry>;

/** The request journal's API (src/journal/journal-routes.ts). */
export const journalOperations = (): Operation[] => [
  {
    method: 'get',
    path: '/api/v1/_journal',
    operationId: 'listJournal',
    tag: 'journal',
    summary:
      'The request journal: recent /api/v1 calls, newest first, each with its outbound calls',
    authenticated: true,
    query: [
      { name: 'path', description: 'prefix of the full path, /api/v1/records', schema: z.string() },
      { name: 'status', description: 'a status (404) or a class (4xx)', schema: z.string() },
      { name: 'from', description: 'ISO 8601 time, inclusive (no zone = UTC)', schema: z.string() },
      { name: 'to', description: 'ISO 8601 time, inclusive (no zone = UTC)', schema: z.string() },
      { name: 'requestId', description: "one call's X-Request-Id", schema: z.string().min(1) },
      {
        name: 'limit',
        description: 'page size',
        schema: z.int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT),
      },
      {
        name: 'cursor',
        description: "the previous page's meta.nextCursor",
        schema: z.int().min(1),
      },
    ],
    responses: {
      200: {
        description: 'a page of entries; meta.nextCursor when there are older ones',
        content: {
          'application/json': z.object({
            data: z.array(inboundEntry),
            meta: z.object({
              limit: z.number().int(),
              enabled: z.boolean().describe('journal.enabled: false keeps nothing'),
              nextCursor: z.string().optional().describe('pass as cursor for older entries'),
            }),
          }),
        },
      },
      ...errors([400]),
    },
  },
];
