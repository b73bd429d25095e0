import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SessionData } from 'express-session';
import supertest from 'supertest';
import { createStore } from '../../src/shared/store/create-store';
import type { Store } from '../../src/shared/store/store-port';
import { SESSIONS_COLLECTION, StoreSessionStore } from '../../src/web/store-session-store';
import { startTestApp } from '../support/test-app';
import { ADMIN, csrfOf } from './web-helpers';

const HOUR = 3600_000;

function sessionData(expires: Date | undefined, extra: Partial<SessionData> = {}): SessionData {
  return {
    cookie: { originalMaxAge: HOUR, expires, httpOnly: true, path: '/' },
    ...extra,
  } as SessionData;
}

const call = <T>(fn: (cb: (error: unknown, value?: T) => void) => void): Promise<T | undefined> =>
  new Promise((resolve, reject) =>
    fn((error, value) => (error ? reject(error as Error) : resolve(value))),
  );

describe('StoreSessionStore on the store port', () => {
  let dir: string;
  let store: Store;
  let now: number;
  let sessions: StoreSessionStore;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-sessions-'));
    // The embedded store: the adapters share one contract suite, and a MongoDB would be shared.
    store = await createStore({ dataDir: dir });
    now = Date.parse('2026-01-01T00:00:00Z');
    sessions = new StoreSessionStore(store.collection(SESSIONS_COLLECTION), {
      defaultTtlMs: HOUR,
      sweepIntervalMs: 10 * 60_000,
      now: () => now,
    });
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('When a session is set, then get returns it until it expires, and never after', async () => {
    const data = sessionData(new Date(now + HOUR), { staff: { username: 'eve', via: 'local' } });
    await call((cb) => sessions.set('sid-1', data, cb));
    expect((await call<SessionData | null>((cb) => sessions.get('sid-1', cb)))?.staff).toEqual({
      username: 'eve',
      via: 'local',
    });
    now += HOUR;
    expect(await call((cb) => sessions.get('sid-1', cb))).toBeNull();
    expect(await store.collection(SESSIONS_COLLECTION).count()).toBe(0);
  });

  test('When a session is stored, then its id is not what the store keeps', async () => {
    await call((cb) => sessions.set('secret-session-id', sessionData(new Date(now + HOUR)), cb));
    const [doc] = await store.collection(SESSIONS_COLLECTION).find();
    expect(doc?.id).not.toContain('secret-session-id');
  });

  test('When a session is touched, then its expiry moves', async () => {
    await call((cb) => sessions.set('sid-2', sessionData(new Date(now + HOUR)), cb));
    await new Promise<void>((resolve) =>
      sessions.touch('sid-2', sessionData(new Date(now + 3 * HOUR)), resolve),
    );
    now += 2 * HOUR;
    expect(await call((cb) => sessions.get('sid-2', cb))).not.toBeNull();
  });

  test('When a session is destroyed, then it is gone', async () => {
    await call((cb) => sessions.set('sid-3', sessionData(new Date(now + HOUR)), cb));
    await call((cb) => sessions.destroy('sid-3', cb));
    expect(await call((cb) => sessions.get('sid-3', cb))).toBeNull();
  });

  test('When the sweep runs, then only expired sessions are deleted', async () => {
    await call((cb) => sessions.set('old', sessionData(new Date(now + HOUR)), cb));
    await call((cb) => sessions.set('new', sessionData(new Date(now + 5 * HOUR)), cb));
    await call((cb) => sessions.set('no-expiry', sessionData(undefined), cb));
    now += 2 * HOUR;
    expect(await sessions.sweep()).toBe(2);
    expect(await call((cb) => sessions.get('new', cb))).not.toBeNull();
  });
});

describe('Staff sessions across a restart', () => {
  test('When the app restarts on the same data directory, then a signed-in browser stays signed in', async () => {
    const first = await startTestApp();
    const form = await supertest(first.app.express).get('/login');
    const preLogin = String(form.headers['set-cookie']).split(';')[0] ?? '';
    const login = await supertest(first.app.express)
      .post('/login')
      .set('Cookie', preLogin)
      .type('form')
      .send({ ...ADMIN, _csrf: csrfOf(form.text) });
    expect(login.status).toBe(303);
    const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    await first.close({ keepData: true });

    const second = await startTestApp({ dataDir: first.dataDir });
    try {
      const page = await supertest(second.app.express).get('/lookup').set('Cookie', cookie);
      expect(page.status).toBe(200);
      expect(page.text).toContain('Signed in as <strong>admin</strong>');
      const stranger = await supertest(second.app.express).get('/lookup');
      expect(stranger.status).toBe(303);
    } finally {
      await second.close();
    }
  });
});
