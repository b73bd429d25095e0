import express, { type Request, Router } from 'express';
import type { CrmService, Entity } from '../crm/crm-service';
import { AppError, type ErrorDetail } from '../shared/errors/app-error';
import { hasIdentity, identityFilter, type LookupParams, readLookupQuery } from './lookup-query';
import type { ShowPage } from './page';
import { requireStaff, verifyCsrf } from './staff-auth';

export const LOOKUP_PATH = '/lookup';
/** More matches than this and the list says to narrow the search. */
const MAX_MATCHES = 50;

const forms = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 50 });

/** The screen-pop form's fields, as posted back. */
const SCREEN_POP_FIELDS = [
  'name',
  'phone',
  'email',
  'customUserId',
  'subject',
  'description',
  'menu',
  'menuId',
  'channel',
  'type',
] as const;
type ScreenPop = Record<(typeof SCREEN_POP_FIELDS)[number], string>;

const accountHref = (id: string): string => `/accounts/${encodeURIComponent(id)}`;
const recordHref = (id: string): string => `/records/${encodeURIComponent(id)}`;

/** The platform's channel names as the record's sourceType (crm.yaml: PHONE | CHAT). */
const SOURCE_TYPES: Readonly<Record<string, string>> = { voice_call: 'PHONE', chat: 'CHAT' };

function prefill(params: LookupParams): ScreenPop {
  const who = params.ani ?? params.email ?? params.cuid ?? 'an unknown contact';
  return {
    name: '',
    phone: params.ani ?? '',
    email: params.email ?? '',
    customUserId: params.cuid ?? '',
    subject: `${params.channel === 'chat' ? 'Chat' : 'Call'} from ${who}`,
    description: '',
    menu: params.menu_path ?? '',
    menuId: params.menu_id ?? '',
    channel: params.channel ?? '',
    type: params.type ?? '',
  };
}

function postedScreenPop(req: Request): ScreenPop {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const form = {} as ScreenPop;
  for (const name of SCREEN_POP_FIELDS) {
    const value = body[name];
    form[name] = typeof value === 'string' ? value.trim() : '';
  }
  return form;
}

/** Only what was filled in: the CRM then applies its own defaults and required-field checks. */
function filled(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
}

function accountSummary(account: Entity) {
  return {
    href: accountHref(account.id),
    name: typeof account.name === 'string' && account.name !== '' ? account.name : '(no name)',
    phone: account.phone,
    email: account.email,
  };
}

/**
 * `/lookup`: what a custom lookup URL opens. One matching account → its page; several → a list
 * to choose from; none → the screen pop, a form prefilled from the URL to create the account and
 * its first record.
 */
export function lookupRoutes(crm: CrmService, show: ShowPage): Router {
  const router = Router();

  router.get(LOOKUP_PATH, requireStaff, async (req, res) => {
    const params = readLookupQuery(req.query);
    if (!hasIdentity(params)) {
      show(req, res, 'lookup-search', { title: 'Look up a customer', params });
      return;
    }
    const filter = identityFilter(params, crm.accounts.fields);
    const page = await crm.accounts.list({ filter, limit: MAX_MATCHES, offset: 0 });
    const [only] = page.items;
    if (page.items.length === 1 && only) {
      res.redirect(303, accountHref(only.id));
      return;
    }
    if (page.items.length > 1) {
      show(req, res, 'lookup-results', {
        title: 'Several customers match',
        params,
        accounts: page.items.map(accountSummary),
        more: page.total > page.items.length,
      });
      return;
    }
    show(req, res, 'screen-pop', { title: 'New customer', params, form: prefill(params) });
  });

  router.post(LOOKUP_PATH, requireStaff, forms, verifyCsrf, async (req, res) => {
    const form = postedScreenPop(req);
    let account: Entity;
    try {
      account = await crm.createAccount(
        filled({
          name: form.name,
          phone: form.phone,
          email: form.email,
          customUserId: form.customUserId,
        }),
      );
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 422) throw error;
      show(req, res, 'screen-pop', screenPopAgain(form, error.message, error.details), 422);
      return;
    }
    const record = await crm.createRecord(
      filled({
        accountId: account.id,
        subject: form.subject,
        description: form.description,
        menu: form.menu,
        menuId: form.menuId,
        sourceType: SOURCE_TYPES[form.channel] ?? form.channel,
        sessionType: form.type,
      }),
    );
    res.redirect(303, recordHref(record.id));
  });
  return router;
}

function screenPopAgain(form: ScreenPop, message: string, details: readonly ErrorDetail[]) {
  return {
    title: 'New customer',
    params: {},
    form,
    error: message,
    problems: details.map((d) => `${d.field}: ${d.message}`),
  };
}
