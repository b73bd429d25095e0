/**
 * The variables a Generic API template may name: every entry of the reference's "Request URL
 * Parameters" table, plus those that custom lookup URLs and file uploads add. Names are matched
 * without regard to case, so everything here is keyed by the upper-case name.
 */
import { editDistance } from './edit-distance';

export interface VariableInfo {
  readonly name: string;
  readonly description: string;
}

const CATALOGUE: readonly VariableInfo[] = [
  { name: 'AGENT_ID', description: "The agent's internal platform id." },
  { name: 'AGENT_CUSTOM_ID', description: "The custom id set on the agent's profile, if any." },
  { name: 'AGENT_EMAIL', description: "The answering agent's email; empty before one answers." },
  { name: 'NAME', description: "The end user's full name." },
  { name: 'FIRST_NAME', description: 'The first word of NAME.' },
  { name: 'LAST_NAME', description: 'NAME after its first word; "--" when there is none.' },
  { name: 'CCAIP_ID', description: "The platform's own id for the end user." },
  { name: 'EMAIL', description: "The end user's email address." },
  { name: 'SESSION_TYPE', description: 'The call or chat type of the session.' },
  { name: 'PHONE_NUMBER', description: "The end user's phone number, in the configured format." },
  { name: 'CALL_ID', description: 'The platform call id.' },
  { name: 'CHAT_ID', description: 'The platform chat id.' },
  { name: 'LANG', description: 'The language code of the session.' },
  {
    name: 'CUSTOM_USER_ID',
    description: "Your id for the end user; for mobile, EMAIL's part before '@' when not given.",
  },
  { name: 'ACCOUNT_ID', description: 'The CRM account id the find/create account step found.' },
  { name: 'RECORD_ID', description: 'The CRM record id the find/create record step found.' },
  { name: 'SESSION_ID', description: 'The platform session id.' },
  { name: 'MENU_PATH', description: 'The queue menu path the end user went through.' },
  {
    name: 'OUTBOUND_PHONE_NUMBER',
    description: 'The number an outbound call dialled, in the configured format.',
  },
  { name: 'QUEUE_NAME', description: 'The name of the queue the session was routed to.' },
  { name: 'QUEUE_ID', description: 'The internal id of the queue the session was routed to.' },
  { name: 'SMART_ACTION_SESSION_ID', description: 'The id of the SmartAction session.' },
  { name: 'RATING', description: 'The CSAT rating, when the end user gave one.' },
  { name: 'FEEDBACK', description: 'The CSAT feedback text, when the end user left one.' },
  { name: 'CALL_DURATION', description: 'How long the call lasted, as mm:ss.' },
  { name: 'HOLD_TIME', description: 'How long the end user was on hold, as mm:ss.' },
  { name: 'WAIT_TIME', description: 'How long the end user waited in queue, as mm:ss.' },
  { name: 'DEVICE_TYPE', description: "The end user's device type." },
  { name: 'DISCONNECTED_BY', description: 'Which side ended the session.' },
  { name: 'CHANNEL', description: 'The channel of the session (chat, voice_call, ...).' },
  { name: 'TICKET_SUBJECT', description: 'The title of the CRM record.' },
  { name: 'TICKET_DESCRIPTION', description: 'The description of the CRM record, as plain text.' },
  {
    name: 'TICKET_DESCRIPTION_HTML',
    description: 'TICKET_DESCRIPTION escaped for HTML, line breaks as <br>.',
  },
  { name: 'COMMENT_BODY', description: 'The comment text; only set when adding a comment.' },
  { name: 'FILE_DATA', description: 'The file content; only set in the upload file endpoint.' },
  { name: 'ANI', description: "The caller's phone number as received (lookup URLs)." },
  { name: 'CUID', description: 'The custom user id of the end user (lookup URLs).' },
  { name: 'MENU_ID', description: 'The id of the selected queue menu (lookup URLs).' },
  { name: 'TYPE', description: 'The kind of session, e.g. Incoming_Call_(app) (lookup URLs).' },
  {
    name: 'ATTACHMENT_ID',
    description: 'The id the CRM gave an uploaded file (attachment builder URL).',
  },
  // crm-bridge extensions, beyond the reference's table.
  { name: 'SESSION_STATUS', description: 'The session status: finished, failed, deflected, ...' },
  {
    name: 'RECORD_STATUS',
    description: "SESSION_STATUS through crm.yaml's recordStatuses.fromSessionStatus map.",
  },
  { name: 'FILE_NAME', description: 'The name of the file being uploaded, e.g. chat-42.txt.' },
  { name: 'FILE_KIND', description: 'The kind of file being uploaded, e.g. chat_transcripts.' },
  { name: 'ATTACHMENT_URL', description: 'The download URL of the file just uploaded.' },
  // Event actions (config/actions.yaml).
  { name: 'EVENT', description: 'The event an action runs on, e.g. session.finished or New_Call.' },
  { name: 'CAMPAIGN_ID', description: "The campaign's id, for a campaign call (adapter events)." },
  {
    name: 'CAMPAIGN_NAME',
    description: "The campaign's name, for a campaign call (adapter events).",
  },
  { name: 'COMMENT_ID', description: 'The id the CRM gave a comment (comment.added).' },
];

const BY_NAME: ReadonlyMap<string, VariableInfo> = new Map(CATALOGUE.map((v) => [v.name, v]));

/** Every known variable name, upper case, in the reference's order. */
export const variableNames: readonly string[] = Object.freeze(CATALOGUE.map((v) => v.name));

/** Every known variable with its description, for `config check` and documentation. */
export const variableCatalogue: readonly VariableInfo[] = Object.freeze(CATALOGUE);

export function isKnownVariable(name: string): boolean {
  return BY_NAME.has(name.toUpperCase());
}

export function describeVariable(name: string): string | undefined {
  return BY_NAME.get(name.toUpperCase())?.description;
}

/**
 * The known name an admin most likely meant, or undefined when nothing is close enough to be a
 * helpful guess (an HTML tag such as `<b>` should not be "corrected" to `{ANI}`). A name that is
 * the start or the end of exactly one known name (`PHONE`, `SUBJECT`) is a guess worth offering
 * even though many letters are missing.
 */
export function suggestVariable(name: string): string | undefined {
  const wanted = name.toUpperCase();
  let best: string | undefined;
  let bestDistance = maxTypoDistance(wanted.length);
  for (const known of variableNames) {
    const distance = editDistance(wanted, known);
    if (distance <= bestDistance && (best === undefined || distance < bestDistance)) {
      best = known;
      bestDistance = distance;
    }
  }
  return best ?? uniqueAffixMatch(wanted);
}

function maxTypoDistance(length: number): number {
  if (length <= 3) return 1;
  return length <= 8 ? 2 : 3;
}

function uniqueAffixMatch(wanted: string): string | undefined {
  const matches = variableNames.filter(
    (known) => known.startsWith(`${wanted}_`) || known.endsWith(`_${wanted}`),
  );
  return matches.length === 1 ? matches[0] : undefined;
}
