import { z } from 'zod';
import { isChatSession } from '../generic-api/session-variables';

/**
 * The platform's call or chat object as `POST /api/v1/sessions` takes it (manager API `/calls`
 * and `/chats`, Callback Call API). Known fields are type-checked so a mistake names its field;
 * other keys are allowed anywhere and kept, because the session metadata is what the outcome
 * email carries: the schema checks a session (`checkedSession`), which is then used as it was
 * sent. It transforms nothing, so a session it accepts is a valid one as it is; and checking
 * without copying keys it does not know into a new object (as `looseObject` parsing would) is
 * 2–3× cheaper.
 */
const id = z.union([z.string().min(1, 'must not be empty'), z.number().int().nonnegative()]);
const when = z.string().min(1).nullable().optional();
const seconds = z.number().nonnegative().nullable().optional();
const text = z.string().nullable().optional();

const transcriptEntry = z.object({
  timestamp: z.union([z.string(), z.number()]).nullable().optional(),
  role: text,
  body: z.object({ type: text, text: text }).nullable().optional(),
  user_data: z.object({ name: text }).nullable().optional(),
});

export const SESSION_STATUSES = [
  'scheduled',
  'queued',
  'selecting',
  'assigned',
  'connecting',
  'connected',
  'finished',
  'failed',
  'deflected',
] as const;

export const sessionSchema = z
  .object({
    id,
    status: z.enum(SESSION_STATUSES, {
      error: () => `must be one of ${SESSION_STATUSES.join(', ')}`,
    }),
    lang: text,
    call_type: text,
    chat_type: text,
    created_at: when,
    queued_at: when,
    assigned_at: when,
    connected_at: when,
    ends_at: when,
    wait_duration: seconds,
    call_duration: seconds,
    chat_duration: seconds,
    hold_duration: seconds,
    rating: z.number().min(0).max(5).nullable().optional(),
    has_feedback: z.boolean().nullable().optional(),
    fail_reason: text,
    disconnected_by: text,
    end_user: z
      .object({ id: id.nullable().optional(), identifier: text, name: text, email: text })
      .nullable()
      .optional(),
    agent_info: z
      .object({ id: id.nullable().optional(), name: text, email: text })
      .nullable()
      .optional(),
    menu_path: z
      .union([z.object({ name: text, materialized_path: text }), z.string()])
      .nullable()
      .optional(),
    selected_menu: z
      .union([z.object({ id: id.nullable().optional(), name: text }), id])
      .nullable()
      .optional(),
    transfers: z.array(z.unknown()).nullable().optional(),
    participants: z.array(z.unknown()).nullable().optional(),
    out_ticket_id: z.union([z.string(), z.number()]).nullable().optional(),
    recording_url: text,
    message_count: z.number().int().nonnegative().nullable().optional(),
    transcript: z
      .object({ entries: z.array(transcriptEntry) })
      .nullable()
      .optional(),
  })
  .refine((s) => !(s.call_type && s.chat_type), {
    message: 'a session is a call (call_type) or a chat (chat_type), not both',
    path: ['chat_type'],
  });

/** A checked session: its known fields typed, every other key as sent. */
export type PlatformSession = z.output<typeof sessionSchema> & Record<string, unknown>;

/** The posted `body` as a session, checked: the object itself, every key as sent; or the problems. */
export function checkedSession(
  body: unknown,
): { success: true; data: PlatformSession } | { success: false; error: z.ZodError } {
  const checked = sessionSchema.safeParse(body);
  return checked.success
    ? { success: true, data: body as PlatformSession }
    : { success: false, error: checked.error };
}

export const sessionKind = (s: PlatformSession): 'call' | 'chat' =>
  isChatSession(s) ? 'chat' : 'call';

/** `chat-73522` / `call-6868`: the platform's own file naming, unique across both kinds. */
export const sessionKey = (s: PlatformSession): string => `${sessionKind(s)}-${String(s.id)}`;

export function queueId(s: PlatformSession): string | undefined {
  const menu = s.selected_menu;
  if (menu === null || menu === undefined) return undefined;
  if (typeof menu === 'object')
    return menu.id === null || menu.id === undefined ? undefined : String(menu.id);
  return String(menu);
}
