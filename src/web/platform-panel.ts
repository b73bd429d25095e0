import 'express-session';
import express, { type Request, type RequestHandler } from 'express';
import type { CountryCode } from 'libphonenumber-js';
import type { Entity } from '../crm/crm-service';
import type { PlatformCalls } from '../platform/platform-calls';
import { PlatformError } from '../platform/platform-error';
import { formatWait } from '../platform/wait-time';
import { phoneKey } from '../shared/phone/phone';
import { verifyCsrf } from './staff-auth';

declare module 'express-session' {
  interface SessionData {
    /** One message for the next page shown: the outcome of a form posted before a redirect. */
    flash?: Flash;
  }
}

interface Flash {
  kind: 'success' | 'error';
  text: string;
}

/** A platform queue (menu) the customer reached before, from the records: newest first. */
export interface KnownQueue {
  id: string;
  name: string;
}

/** What a callback is placed with, read from the CRM when the form is posted (not from it). */
export interface CallbackSubject {
  phone: string | undefined;
  ticketId?: string;
  /** The page to go back to. */
  back: string;
}

const MENU_ID = /^\d{1,18}$/;
const forms = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });

const idOf = (value: unknown): string | undefined =>
  (typeof value === 'string' || typeof value === 'number') && MENU_ID.test(String(value))
    ? String(value)
    : undefined;

/** The distinct queues of `records` (newest first), by the `menuId` they were created with. */
export function knownQueues(records: readonly Entity[]): KnownQueue[] {
  const queues = new Map<string, KnownQueue>();
  for (const record of records) {
    const id = idOf(record.menuId);
    if (id === undefined || queues.has(id)) continue;
    const name =
      typeof record.menu === 'string' && record.menu !== '' ? record.menu : `queue ${id}`;
    queues.set(id, { id, name });
  }
  return [...queues.values()];
}

/**
 * The number the platform calls: E.164 when it parses (the CRM keeps numbers as they were
 * written), else as written, for the platform to judge.
 */
export function callbackNumber(phone: unknown, region: CountryCode): string | undefined {
  if (typeof phone !== 'string' || phone.trim() === '') return undefined;
  return phoneKey(phone, region) ?? phone.trim();
}

function takeFlash(req: Request): Flash | undefined {
  const flash = req.session?.flash;
  if (flash !== undefined) delete req.session.flash;
  return flash;
}

async function waitLine(platform: PlatformCalls, queue: KnownQueue | undefined) {
  if (queue === undefined) return undefined;
  const result = await platform.waitTime(queue.id);
  if (!result.ok) return `wait time unavailable: ${result.reason}`;
  return `${formatWait(result.wait.waitSeconds)} (${queue.name})`;
}

/**
 * The "platform" section of an account or record page: the last queue's estimated wait (fetched
 * now, never failing the page) and the callback form; or why there are none.
 */
export async function platformPanel(
  req: Request,
  platform: PlatformCalls,
  options: { action: string; queues: readonly KnownQueue[]; phone: string | undefined },
) {
  const taken = takeFlash(req);
  const flash = taken && {
    text: taken.text,
    ...(taken.kind === 'error'
      ? { role: 'alert', className: 'alert' }
      : { role: 'status', className: 'status-message' }),
  };
  if (!platform.availability.enabled) return { flash, off: platform.availability.reason };
  const [last] = options.queues;
  return {
    flash,
    action: options.action,
    queues: options.queues,
    hasPhone: options.phone !== undefined,
    wait: await waitLine(platform, last),
  };
}

function callbackFailure(error: unknown): Flash {
  if (!(error instanceof PlatformError)) throw error;
  return { kind: 'error', text: `Callback not requested: ${error.message}` };
}

/**
 * POST handler of the callback form: asks the platform to call the customer back through the
 * chosen queue, then back to the page with the outcome as a flash message (never an error page).
 */
export function callbackRoute(
  platform: PlatformCalls,
  subjectOf: (req: Request) => Promise<CallbackSubject>,
): RequestHandler[] {
  const handler: RequestHandler = async (req, res) => {
    const subject = await subjectOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const menuId = typeof body.menuId === 'string' ? body.menuId.trim() : '';
    let flash: Flash;
    if (!MENU_ID.test(menuId)) {
      flash = {
        kind: 'error',
        text: 'Callback not requested: menuId (the queue id) must be a number',
      };
    } else if (subject.phone === undefined) {
      flash = { kind: 'error', text: 'Callback not requested: there is no phone number to call' };
    } else {
      flash = await platform
        .requestCallback({ endUserNumber: subject.phone, menuId, ticketId: subject.ticketId })
        .then((call): Flash => ({ kind: 'success', text: `Callback requested: call ${call.id}` }))
        .catch(callbackFailure);
    }
    req.session.flash = flash;
    res.redirect(303, subject.back);
  };
  return [forms, verifyCsrf, handler];
}
