import type { ServerResponse } from 'node:http';
import {
  type Handler,
  json,
  type Loopback,
  type Received,
  startLoopback,
} from '../generic-api/loopback';
import type { PlatformConfig } from '../../src/platform/platform-settings';
import type { AppConfig } from '../../src/shared/config/app-config';

export const COMPANY = { key: 'company-key-123', secret: 'company-secret-456' };
/** What a request with the company key/secret carries, computed here by hand, not by axios. */
export const COMPANY_BASIC = `Basic ${Buffer.from(`${COMPANY.key}:${COMPANY.secret}`).toString('base64')}`;

/** The Callback Call API's success answer (reference/001, shortened). */
export const CALL_OBJECT = {
  id: 6868,
  lang: 'en',
  call_type: 'IncomingCall',
  status: 'queued',
  selected_menu: 12,
  outbound_number: '+18888888888',
};

/**
 * The CCAI Platform's developer API on loopback: `/apps/api/v1/calls` answers a call object and
 * `/apps/api/v1/wait_times` the queue asked for with a wait of `waits[menu_id]` (default 180),
 * unless a test swaps in its own handler for either. Every request is kept, as received.
 */
export interface PlatformDouble extends Loopback {
  waits: Record<string, number>;
  calls: Handler;
  waitTimes: Handler;
  /** The requests one path received. */
  to(path: string): Received[];
  /** Back to the default answers, with nothing received. */
  reset(): void;
  settings(overrides?: Partial<PlatformConfig>): PlatformConfig;
}

/** A handler that never answers: the client's timeout must end the exchange. */
export const silent: Handler = () => undefined;

export const answer =
  (status: number, body: unknown): Handler =>
  (_req, res: ServerResponse) =>
    json(res, status, body);

export async function startPlatformDouble(): Promise<PlatformDouble> {
  const waitTimes: Handler = (req, res) => {
    const menuId = req.query.menu_id ?? '1';
    json(res, 200, [
      {
        menu_id: Number(menuId),
        wait: double.waits[menuId] ?? 180,
        materialized_path: `1/${menuId}`,
      },
      { menu_id: 99999, wait: 5, materialized_path: `1/${menuId}/99999` },
    ]);
  };
  const double = {
    waits: {} as Record<string, number>,
    calls: answer(200, CALL_OBJECT),
    waitTimes,
  };
  const loopback = await startLoopback((req, res) => {
    if (req.path === '/apps/api/v1/calls') return double.calls(req, res);
    if (req.path === '/apps/api/v1/wait_times') return double.waitTimes(req, res);
    json(res, 404, { message: 'no such route' });
  });
  return Object.assign(double, loopback, {
    to: (path: string) => loopback.received.filter((r) => r.path === path),
    reset: () => {
      double.calls = answer(200, CALL_OBJECT);
      double.waitTimes = waitTimes;
      loopback.received.length = 0;
    },
    settings: (overrides: Partial<PlatformConfig> = {}): PlatformConfig => ({
      tenantUrl: loopback.origin,
      companyKey: COMPANY.key,
      companySecret: COMPANY.secret,
      timeoutSeconds: 5,
      defaultLang: 'en',
      waitTimeUnit: 'seconds',
      ...overrides,
    }),
  });
}

/** For startTestApp: the shipped config with this platform section. */
export const withPlatform =
  (platform: PlatformConfig) =>
  (config: AppConfig): AppConfig => ({ ...config, server: { ...config.server, platform } });
