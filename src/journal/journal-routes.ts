import { Router } from 'express';
import { JOURNAL_API_PATH } from './inbound-capture';
import type { Journal } from './journal';
import { parseJournalQuery } from './journal-query';

/** `GET /api/v1/_journal`: mounted among the API's routers, behind the API's authentication. */
export function journalApiRoutes(journal: Journal): Router {
  const router = Router();
  router.get(JOURNAL_API_PATH, async (req, res) => {
    const query = parseJournalQuery(req.query);
    const page = await journal.list(query);
    res.json({
      data: page.entries,
      meta: {
        limit: query.limit,
        enabled: journal.settings.enabled,
        ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }),
      },
    });
  });
  return router;
}
