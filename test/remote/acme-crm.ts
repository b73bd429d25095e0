/**
 * "Acme Contacts": a downstream CRM with its own shape, for middleware mode. Contacts
 * `{contact_id, full_name, mobile, email_address}`, cases `{case_id, title, body, state,
 * contact}`, notes and files, every answer wrapped in `{result: …}`, errors as
 * `{message}` or `{error: {message}}`. It keeps its data in memory and records every request
 * (examples/remote/generic-api.yaml is written for it).
 */
import type { ServerResponse } from 'node:http';
import { json, startLoopback, type Loopback, type Received } from '../generic-api/loopback';
import { parseMultipart } from '../support/multipart';

export const ACME_KEY = 'acme-test-key';

type Row = Record<string, unknown>;

export interface AcmeCrm extends Loopback {
  contacts: Map<string, Row>;
  cases: Map<string, Row>;
  files: Map<string, { case: string; filename: string; data: Buffer }>;
}

const parseJson = (body: Buffer): Row => JSON.parse(body.toString('utf8') || '{}') as Row;

/** Query parameters filter by equality (emails in any case); all given must match. */
function matches(row: Row, query: Record<string, string>, field: string): boolean {
  const wanted = query[field];
  if (wanted === undefined) return true;
  const value = String(row[field] ?? '');
  return field.startsWith('email')
    ? value.toLowerCase() === wanted.toLowerCase()
    : value === wanted;
}

export async function startAcmeCrm(): Promise<AcmeCrm> {
  const contacts = new Map<string, Row>();
  const cases = new Map<string, Row>();
  const files = new Map<string, { case: string; filename: string; data: Buffer }>();
  let next = 0;
  const newId = (prefix: string) => `${prefix}${++next}`;
  const created_on = () => new Date().toISOString();
  const search = (rows: Map<string, Row>, query: Record<string, string>, fields: string[]) =>
    [...rows.values()].filter((row) => fields.every((f) => matches(row, query, f))).reverse();

  const routes: [string, RegExp, (req: Received, res: ServerResponse, id: string) => unknown][] = [
    [
      'GET',
      /^\/api\/contacts$/,
      (req, res) => {
        const found = search(contacts, req.query, [
          'contact_id',
          'mobile',
          'email_address',
          'full_name',
        ]);
        json(res, 200, { result: found });
      },
    ],
    [
      'GET',
      /^\/api\/contacts\/([^/]+)$/,
      (_req, res, id) => {
        const contact = contacts.get(id);
        if (contact) json(res, 200, { result: contact });
        else json(res, 404, { message: `no contact ${id}` });
      },
    ],
    [
      'POST',
      /^\/api\/contacts$/,
      (req, res) => {
        const input = (parseJson(req.body).contact ?? {}) as Row;
        const email = typeof input.email_address === 'string' ? input.email_address : undefined;
        const taken = [...contacts.values()].some(
          (c) =>
            email !== undefined && String(c.email_address).toLowerCase() === email.toLowerCase(),
        );
        if (taken)
          return json(res, 409, { error: { message: 'email_address is already registered' } });
        const contact = { contact_id: newId('C'), ...input, created_on: created_on() };
        contacts.set(String(contact.contact_id), contact);
        json(res, 201, { result: contact });
      },
    ],
    [
      'GET',
      /^\/api\/cases$/,
      (req, res) => {
        json(res, 200, { result: search(cases, req.query, ['case_id', 'contact', 'state']) });
      },
    ],
    [
      'POST',
      /^\/api\/cases$/,
      (req, res) => {
        const input = parseJson(req.body);
        if (!contacts.has(String(input.contact))) {
          return json(res, 422, { message: `contact "${String(input.contact)}" does not exist` });
        }
        const row = { case_id: newId('K'), ...input, created_on: created_on() };
        cases.set(String(row.case_id), row);
        json(res, 201, { result: row });
      },
    ],
    [
      'PATCH',
      /^\/api\/cases\/([^/]+)$/,
      (req, res, id) => {
        const row = cases.get(id);
        if (!row) return json(res, 404, { message: `no case ${id}` });
        Object.assign(row, parseJson(req.body));
        json(res, 200, { result: row });
      },
    ],
    [
      'POST',
      /^\/api\/cases\/([^/]+)\/notes$/,
      (req, res, id) => {
        if (!cases.has(id)) return json(res, 404, { message: `no case ${id}` });
        json(res, 201, { result: { note_id: newId('N'), case: id, ...parseJson(req.body) } });
      },
    ],
    [
      'POST',
      /^\/api\/cases\/([^/]+)\/files$/,
      async (req, res, id) => {
        if (!cases.has(id)) return json(res, 404, { message: `no case ${id}` });
        const parts = await parseMultipart(String(req.headers['content-type']), req.body);
        const file = parts.find((p) => p.name === 'upload');
        const fileId = newId('F');
        files.set(fileId, {
          case: id,
          filename: file?.filename ?? '',
          data: file?.data ?? Buffer.alloc(0),
        });
        json(res, 201, { result: { file_id: fileId } });
      },
    ],
  ];

  const dispatch = async (req: Received, res: ServerResponse): Promise<unknown> => {
    if (req.headers['x-api-key'] !== ACME_KEY) {
      return json(res, 401, { message: 'invalid API key' });
    }
    for (const [method, pattern, handle] of routes) {
      const match = req.method === method ? pattern.exec(req.path) : null;
      if (match) return handle(req, res, decodeURIComponent(match[1] ?? ''));
    }
    return json(res, 404, { message: `no route ${req.method} ${req.path}` });
  };
  const loopback = await startLoopback(async (req, res) => {
    await dispatch(req, res);
  });
  return { ...loopback, contacts, cases, files };
}
