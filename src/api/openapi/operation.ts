import type { z } from 'zod';
import type { EndpointsConfig } from '../../generic-api/config/generic-api-schema';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * What the CCAI Platform admin types into the Generic API settings for this endpoint: the Portal
 * setting it serves, its key in `config/generic-api.yaml`, and where the object is in the answer.
 */
export interface PortalHint {
  setting: string;
  configKey: keyof EndpointsConfig;
  responseDataLocation?: string;
  idField?: string;
  attachmentUrlLocation?: string;
  attachmentIdLocation?: string;
  note?: string;
}

/** A body by media type; `null` is any bytes (a download, a raw email), described not validated. */
export type Content = Record<string, z.ZodType | null>;

export interface QueryParameter {
  name: string;
  description: string;
  schema: z.ZodType;
}

/**
 * One documented operation. The route files' own schemas feed it (the session schema that
 * validates `POST /sessions`, the crm.yaml field catalogue that `mapFields` applies), so the
 * document cannot say something the validation does not.
 */
export interface OperationResponse {
  description: string;
  content?: Content;
}

export interface Operation {
  method: HttpMethod;
  /** OpenAPI form, `/api/v1/records/{id}`; path parameters are taken from it. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  /** false: answered without credentials. */
  authenticated: boolean;
  query?: QueryParameter[];
  requestBody?: { description: string; content: Content };
  /** By status; `4XX` for a class of statuses (a downstream CRM's refusals, passed through). */
  responses: Record<number, OperationResponse> & { '4XX'?: OperationResponse };
  portal?: PortalHint;
}
