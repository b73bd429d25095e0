import { z } from 'zod';
import type { IngestResult } from '../../sessions/inbound-email';
import { MIME_TYPES } from '../../sessions/inbound-routes';
import { sessionSchema } from '../../sessions/session-schema';
import type { EmailState } from '../../sessions/sessions-service';
import { errors, JSON_BODY_ERRORS } from './error-responses';
import type { Operation } from './operation';

const when = z.iso.datetime();
const known = { session: z.string(), duplicate: z.boolean(), record: z.string().optional() };

/** `POST /sessions` answers what will happen: the email's due time and recipient, or why none. */
const sessionAnswer = z.union([
  z.object({ ...known, email: z.literal('none'), reason: z.string() }),
  z.object({ ...known, email: z.enum(['scheduled', 'sent']), to: z.string(), dueAt: when }),
]);
export type SessionAnswer = z.output<typeof sessionAnswer>;

const emailState = z.discriminatedUnion('state', [
  z.object({ state: z.literal('scheduled'), to: z.string(), dueAt: when }),
  z.object({
    state: z.literal('sent'),
    to: z.string(),
    dueAt: when,
    sentAt: when,
    messageId: z.string(),
  }),
  z.object({ state: z.literal('none'), reason: z.string() }),
]) satisfies z.ZodType<EmailState>;

/** `GET /sessions/{key}`: the stored session, its email and its queue job. */
const sessionStatus = z.object({
  session: z.string(),
  kind: z.enum(['call', 'chat']),
  status: z.string(),
  receivedAt: when,
  email: emailState,
  job: z
    .object({
      state: z.enum(['delayed', 'waiting', 'active', 'completed', 'failed']),
      attempts: z.number().int().nonnegative(),
      dueAt: when,
      error: z.string().optional(),
    })
    .optional(),
  record: z.string().optional(),
  data: z.looseObject({}).describe('the session exactly as posted'),
});
export type SessionStatus = z.output<typeof sessionStatus>;

const ingestResult = z.object({
  session: z.string(),
  duplicate: z.boolean(),
  accountId: z.string().optional(),
  recordId: z.string().optional(),
  actions: z.array(z.string()).describe('what was done to the record, in words'),
}) satisfies z.ZodType<IngestResult>;

/** Session outcomes and inbound email (src/sessions/*-routes.ts). */
export function sessionsOperations(): Operation[] {
  return [
    {
      method: 'post',
      path: '/api/v1/sessions',
      operationId: 'receiveSession',
      tag: 'sessions',
      summary: 'Receive a finished call or chat: schedules its outcome email',
      description:
        "The platform's call or chat object (manager API /calls, /chats). Known fields are " +
        'type-checked; every other key is kept. Posting the same session again schedules nothing.',
      authenticated: true,
      requestBody: { description: 'the session', content: { 'application/json': sessionSchema } },
      responses: {
        202: {
          description: 'accepted: the email is scheduled',
          content: { 'application/json': sessionAnswer },
        },
        200: {
          description: 'a repeat, or no email for this session (reason says why)',
          content: { 'application/json': sessionAnswer },
        },
        ...errors([...JSON_BODY_ERRORS, 422]),
      },
    },
    {
      method: 'get',
      path: '/api/v1/sessions/{key}',
      operationId: 'getSession',
      tag: 'sessions',
      summary: 'A received session, its outcome email and its queue job',
      authenticated: true,
      responses: {
        200: { description: 'the session', content: { 'application/json': sessionStatus } },
        ...errors([404], { 404: 'no session with this key (call-6868, chat-73522)' }),
      },
    },
    {
      method: 'post',
      path: '/api/v1/inbound-email',
      operationId: 'ingestOutcomeEmail',
      tag: 'inbound-email',
      summary: 'Apply a raw session-outcome email (MIME) to the built-in CRM',
      authenticated: true,
      requestBody: {
        description: 'the raw MIME message',
        content: Object.fromEntries(MIME_TYPES.map((type) => [type, null])),
      },
      responses: {
        201: { description: 'applied', content: { 'application/json': ingestResult } },
        200: {
          description: 'this session was applied before',
          content: { 'application/json': ingestResult },
        },
        ...errors([413, 415, 422]),
      },
    },
  ];
}
