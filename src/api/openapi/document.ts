import { z } from 'zod';
import type { ServerConfig } from '../../shared/config/server-schema';
import { errorBody } from './error-responses';
import type { Content, Operation, PortalHint } from './operation';

type JsonSchema = Record<string, unknown>;
type Io = 'input' | 'output';

const ERROR_REF = { $ref: '#/components/schemas/Error' };

/** zod → JSON Schema 2020-12, the dialect of OpenAPI 3.1 schema objects. */
function converted(schema: z.ZodType, io: Io): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  });
  return rest;
}

/** The shared error body is one component; everything else is inlined. */
const jsonSchema = (schema: z.ZodType, io: Io): JsonSchema =>
  schema === errorBody ? ERROR_REF : converted(schema, io);

const content = (body: Content, io: Io) =>
  Object.fromEntries(
    Object.entries(body).map(([type, schema]) => [
      type,
      schema === null ? {} : { schema: jsonSchema(schema, io) },
    ]),
  );

/** The Generic API hint in words, for the operation's description (Swagger UI shows it). */
function portalText(hint: PortalHint): string {
  const parts = [
    `Portal setting **${hint.setting}** (\`endpoints.${hint.configKey}\` in generic-api.yaml)`,
    hint.responseDataLocation && `Response Data Location \`${hint.responseDataLocation}\``,
    hint.idField && `id field \`${hint.idField}\``,
    hint.attachmentUrlLocation && `attachment URL location \`${hint.attachmentUrlLocation}\``,
    hint.attachmentIdLocation && `attachment id location \`${hint.attachmentIdLocation}\``,
    hint.note,
  ];
  return `CCAI Platform Generic API: ${parts.filter(Boolean).join('; ')}.`;
}

/** The credentials `/api/v1` accepts (src/api/api-auth.ts), as OpenAPI security schemes. */
function securitySchemes(auth: ServerConfig['api']['auth']): Record<string, JsonSchema> {
  const schemes: Record<string, JsonSchema> = {};
  if (auth.basic.length > 0) schemes.basic = { type: 'http', scheme: 'basic' };
  for (const { name } of auth.headers) {
    schemes[`header-${name}`] = { type: 'apiKey', in: 'header', name };
  }
  if ((auth.oauth2?.clients.length ?? 0) > 0) {
    schemes.bearer = {
      type: 'http',
      scheme: 'bearer',
      description: 'an access token from this server: POST /oauth/token, or /oauth/authorize',
    };
  }
  return schemes;
}

function pathItem(op: Operation, security: Record<string, string[]>[]): JsonSchema {
  const pathParameters = [...op.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const queryParameters = (op.query ?? []).map((p) => ({
    name: p.name,
    in: 'query',
    required: false,
    description: p.description,
    schema: jsonSchema(p.schema, 'input'),
  }));
  const parameters = [...pathParameters, ...queryParameters];
  const description = [op.description, op.portal && portalText(op.portal)].filter(Boolean);
  const responses = op.authenticated
    ? {
        ...op.responses,
        401: { description: 'no or wrong credentials', content: { 'application/json': errorBody } },
      }
    : op.responses;
  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    ...(description.length > 0 && { description: description.join('\n\n') }),
    ...(parameters.length > 0 && { parameters }),
    ...(op.requestBody && {
      requestBody: {
        required: true,
        description: op.requestBody.description,
        content: content(op.requestBody.content, 'input'),
      },
    }),
    responses: Object.fromEntries(
      Object.entries(responses).map(([status, r]) => [
        status,
        { description: r.description, ...(r.content && { content: content(r.content, 'output') }) },
      ]),
    ),
    security: op.authenticated ? security : [],
    ...(op.portal && { 'x-ccaip-generic-api': op.portal }),
  };
}

export interface DocumentOptions {
  server: ServerConfig;
  version: string;
}

/** The OpenAPI 3.1 document of the given operations. */
export function openApiDocument(operations: Operation[], options: DocumentOptions): JsonSchema {
  const schemes = securitySchemes(options.server.api.auth);
  // Any one of the configured credentials will do.
  const security = Object.keys(schemes).map((name) => ({ [name]: [] }));
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const op of operations) {
    (paths[op.path] ??= {})[op.method] = pathItem(op, security);
  }
  return {
    openapi: '3.1.1',
    info: {
      title: 'crm-bridge API',
      version: options.version,
      description:
        'The Custom CRM that the CCAI Platform Generic API calls, and the session-outcome intake. ' +
        'Operations the Portal uses say which Generic API setting they serve and where its ' +
        'Response Data Location points (also as x-ccaip-generic-api); the others are not called ' +
        'by the Portal.',
    },
    servers: [{ url: options.server.publicUrl?.replace(/\/$/, '') ?? '/' }],
    paths,
    components: {
      schemas: { Error: converted(errorBody, 'output') },
      securitySchemes: schemes,
    },
  };
}
