/**
 * `config/actions.yaml`: requests crm-bridge sends when something happens (a session finishes, a
 * record is created, an agent picks up a call), built by the Generic API engine. The file may be
 * absent, or hold nothing but comments (as shipped): then no action runs.
 */
import { z } from 'zod';
import { outboundAuthSchema } from '../generic-api/config/auth-schema';
import { checkRequest, type Report } from '../generic-api/config/generic-api-checks';
import { requestFields } from '../generic-api/config/generic-api-schema';
import { ADAPTER_EVENTS, BRIDGE_EVENTS } from './events';
import { whenSchema } from './when';

/** A part of each job id, and a name in logs and exchanges. */
const ACTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

const eventName = z.enum([...BRIDGE_EVENTS, ...ADAPTER_EVENTS], {
  error: `must be one of ${[...BRIDGE_EVENTS, ...ADAPTER_EVENTS].join(', ')}`,
});

const requestSchema = z
  .strictObject({
    ...requestFields('POST'),
    auth: outboundAuthSchema
      .default({ method: 'none' })
      .describe('How crm-bridge authenticates to the target: none, basic, header or oauth2'),
    timeoutSeconds: z.number().int().min(1).max(30).default(10).describe('For each attempt'),
  })
  .superRefine((request, ctx) => {
    const report: Report = (path, message) => ctx.addIssue({ code: 'custom', path, message });
    checkRequest(request, 'action', report);
  });

const actionSchema = z.strictObject({
  name: z
    .string()
    .regex(ACTION_NAME, 'must be 1-64 of A-Z a-z 0-9 _ -')
    .describe('Unique; a repeated event is recognised by action name and event'),
  on: z.array(eventName).min(1).describe('Events that run the action'),
  when: whenSchema.optional(),
  request: requestSchema.describe('The request, as a generic-api.yaml endpoint describes one'),
  retries: z
    .strictObject({
      attempts: z.number().int().min(1).max(50).default(5).describe('Sends before giving up'),
      backoffSeconds: z
        .number()
        .min(0.01)
        .max(3600)
        .default(30)
        .describe('First wait; each next one about twice the last'),
    })
    .prefault({})
    .describe('Through the queue; a 4xx answer other than 408 and 429 is never retried'),
});

export const actionsSchema = z
  .strictObject({
    actions: z.array(actionSchema).default([]).describe('Each runs on its events, in order'),
  })
  // Runs even when an action is wrong elsewhere, so that every problem is reported at once.
  .check(
    z.superRefine(
      (file, ctx) => {
        if (!Array.isArray(file?.actions)) return;
        const seen = new Set<unknown>();
        file.actions.forEach((action: { name?: unknown } | null, index) => {
          const name = action?.name;
          if (seen.has(name)) {
            ctx.addIssue({
              code: 'custom',
              path: ['actions', index, 'name'],
              message: `${String(name)} is used by an earlier action`,
            });
          }
          if (typeof name === 'string') seen.add(name);
        });
      },
      { when: () => true },
    ),
  );

export type ActionsConfig = z.output<typeof actionsSchema>;
export type ActionConfig = ActionsConfig['actions'][number];
