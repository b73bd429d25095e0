import { sessionComments } from '../generic-api/flows/session-comments';

/** The one comment a finished session leaves on its record: how it ended, CSAT, disposition. */
export function sessionSummary(session: Record<string, unknown>): string {
  return sessionComments(session, {
    sessionStart: false,
    customData: false,
    transfer: false,
    sessionEnd: true,
    csat: true,
    disposition: true,
  })
    .map((c) => c.text)
    .join('\n\n');
}
