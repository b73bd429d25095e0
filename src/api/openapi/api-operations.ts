import { z } from 'zod';
import type { AppConfig } from '../../shared/config/app-config';
import { crmOperations } from './crm-operations';
import { journalOperations } from './journal-operations';
import type { Operation } from './operation';
import { sessionsOperations } from './sessions-operations';

export const OPENAPI_PATH = '/api/v1/openapi.json';

const documentItself: Operation = {
  method: 'get',
  path: OPENAPI_PATH,
  operationId: 'openApiDocument',
  tag: 'documentation',
  summary: 'This document (OpenAPI 3.1); Swagger UI shows it at /docs',
  authenticated: false,
  responses: {
    200: {
      description: 'the document',
      content: {
        'application/json': z.looseObject({ openapi: z.string(), paths: z.looseObject({}) }),
      },
    },
  },
};

/**
 * Every operation under /api/v1. A route added without its operation here fails the coverage
 * test (test/api/openapi.test.ts), and so does an operation without its route.
 */
export const apiOperations = (config: AppConfig): Operation[] => [
  ...crmOperations(config.crm, config.server.api.maxPageSize),
  ...sessionsOperations(),
  ...journalOperations(),
  documentItself,
];
