import { Router } from 'express';
import type { SessionAnswer, SessionStatus } from '../api/openapi/sessions-operations';
import type { JobQueue } from '../shared/queue/queue-port';
import type { OutcomeJob, ReceiveResult, SessionsService } from './sessions-service';

/** The answer names what will happen: the email's due time and recipient, or why there is none. */
function answer(result: ReceiveResult): { status: number; body: SessionAnswer } {
  const { key, duplicate, email, record } = result;
  const base = { session: key, duplicate, ...(record !== undefined && { record }) };
  if (email.state === 'none')
    return { status: 200, body: { ...base, email: 'none', reason: email.reason } };
  const body: SessionAnswer = { ...base, email: email.state, to: email.to, dueAt: email.dueAt };
  // 202: accepted for later delivery. A repeat schedules nothing new, so it is a plain 200.
  return { status: duplicate ? 200 : 202, body };
}

export function sessionsRoutes(sessions: SessionsService, queue: JobQueue<OutcomeJob>): Router {
  const router = Router();
  router.post('/sessions', async (req, res) => {
    const { status, body } = answer(await sessions.receive(req.body));
    res.status(status).json(body);
  });
  router.get('/sessions/:key', async (req, res) => {
    const doc = await sessions.get(String(req.params.key));
    const job = await queue.get(doc.id);
    const status: SessionStatus = {
      session: doc.id,
      kind: doc.kind,
      status: doc.status,
      receivedAt: doc.receivedAt,
      email: doc.email,
      ...(job && {
        job: {
          state: job.state,
          attempts: job.attempts,
          dueAt: job.dueAt.toISOString(),
          ...(job.error !== undefined && { error: job.error }),
        },
      }),
      ...(doc.record !== undefined && { record: doc.record }),
      data: JSON.parse(doc.payload) as Record<string, unknown>,
    };
    res.json(status);
  });
  return router;
}
