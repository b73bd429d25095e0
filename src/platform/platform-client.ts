import axios, { type AxiosInstance } from 'axios';
import type { PlatformConfig } from './platform-settings';
import { PlatformError, refusal, unreachable } from './platform-error';
import { readWaitTime, type WaitTime } from './wait-time';

export const CALLS_PATH = '/apps/api/v1/calls';
export const WAIT_TIMES_PATH = '/apps/api/v1/wait_times';

/** Answers are one call object or one queue structure: far below this. */
const MAX_RESPONSE_BYTES = 1024 * 1024;
const MAX_REQUEST_BYTES = 64 * 1024;

export interface CallbackRequest {
  /** The number the agent calls back. Never logged. */
  endUserNumber: string;
  /** The queue (IVR or web menu) the call is attributed to; digits. */
  menuId: string;
  /** The CRM record to pop; the platform prefers it over the number. */
  ticketId?: string;
  lang?: string;
}

export interface RequestedCall {
  /** The platform's call id. */
  id: string;
  status?: string;
}

export interface WaitTimeRequest {
  menuId: string;
  lang?: string;
  /** Shorter than the configured timeout, for a page that must not wait long. */
  timeoutSeconds?: number;
}

/**
 * The platform's developer API (reference/001): the Callback Call API and the Estimated Wait
 * Time API, with HTTP Basic auth from the company key and secret. Every failure is a
 * PlatformError whose message can be shown as it is.
 */
export class PlatformClient {
  private readonly http: AxiosInstance;

  constructor(private readonly settings: PlatformConfig) {
    this.http = axios.create({
      baseURL: settings.tenantUrl.replace(/\/+$/, ''),
      auth: { username: settings.companyKey, password: settings.companySecret },
      timeout: settings.timeoutSeconds * 1000,
      transitional: { clarifyTimeoutError: true },
      maxContentLength: MAX_RESPONSE_BYTES,
      maxBodyLength: MAX_REQUEST_BYTES,
      maxRedirects: 0,
      validateStatus: () => true,
      headers: { Accept: 'application/json' },
    });
  }

  async requestCallback(request: CallbackRequest): Promise<RequestedCall> {
    const body = {
      call_type: 'IncomingCall',
      end_user_number: request.endUserNumber,
      menu_id: Number(request.menuId),
      ...(request.ticketId !== undefined && { ticket_id: request.ticketId }),
      lang: request.lang ?? this.settings.defaultLang,
    };
    const data = await this.send('post', CALLS_PATH, { data: body }, this.settings.timeoutSeconds);
    const id = (data as { id?: unknown } | null)?.id;
    if (typeof id !== 'number' && (typeof id !== 'string' || id === '')) {
      throw new PlatformError('the platform answered without a call id');
    }
    const status = (data as { status?: unknown }).status;
    return { id: String(id), ...(typeof status === 'string' && { status }) };
  }

  async waitTime(request: WaitTimeRequest): Promise<WaitTime> {
    const timeout = Math.min(request.timeoutSeconds ?? Infinity, this.settings.timeoutSeconds);
    const params = { lang: request.lang ?? this.settings.defaultLang, menu_id: request.menuId };
    const data = await this.send('get', WAIT_TIMES_PATH, { params }, timeout);
    return readWaitTime(data, request.menuId, this.settings.waitTimeUnit);
  }

  private async send(
    method: 'get' | 'post',
    url: string,
    options: { data?: object; params?: Record<string, string> },
    timeoutSeconds: number,
  ): Promise<unknown> {
    let response;
    try {
      response = await this.http.request<unknown>({
        method,
        url,
        ...options,
        timeout: timeoutSeconds * 1000,
      });
    } catch (error) {
      throw unreachable(error, this.settings.tenantUrl, timeoutSeconds);
    }
    if (response.status < 200 || response.status > 299) {
      throw refusal(response.status, response.data);
    }
    return response.data;
  }
}
