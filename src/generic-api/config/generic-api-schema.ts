/**
 * `config/generic-api.yaml`: the platform's Generic API settings (reference/002 "API settings"
 * to "Comment endpoint") as one file. The structure is validated here; what needs the template
 * compiler or a JSONPath parser (generic-api-checks.ts) runs as refinements, so `config check`
 * reports every problem with its file, line and path like any schema problem.
 */
import { isSupportedCountry } from 'libphonenumber-js/min';
import { z } from 'zod';
import type { PhoneFormat } from '../../shared/phone/phone';
import { outboundAuthSchema } from './auth-schema';
import { checkFlows, checkUploadComment } from './flow-checks';
import { checkEndpoint, checkLookupUrl } from './generic-api-checks';

export const ENDPOINT_NAMES = [
  'findAccountByQuery',
  'findAccountById',
  'createAccount',
  'findRecordByQuery',
  'createRecord',
  'updateRecord',
  'comment',
  'uploadFile',
] as const;
export type EndpointName = (typeof ENDPOINT_NAMES)[number];

/** The platform's "Select which files to attach". */
export const FILE_KINDS = [
  'call_recordings',
  'chat_transcripts',
  'voicemails',
  'photos',
  'videos',
  'session_metadata',
] as const;
export type FileKind = (typeof FILE_KINDS)[number];

const PHONE_FORMAT_VALUES = [
  'automatic',
  'e164',
  'us_local',
  'us_local_standard',
  'international',
] as const satisfies readonly PhoneFormat[];

const COMMENT_EVENTS = [
  'sessionStart',
  'sessionEnd',
  'csat',
  'transfer',
  'disposition',
  'customData',
] as const;
export type CommentEvent = (typeof COMMENT_EVENTS)[number];

/** The reference allows "plain text or numbers" as parameter values; YAML may type them. */
const templateValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const headerName = z.string().regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name');
const nonEmpty = z.string().min(1, 'must not be empty');

/**
 * What describes an outbound request: its URL, method, params, headers and body shape. Shared by
 * the endpoints here and by event actions (actions.yaml). Descriptions end up in the JSON Schema,
 * where editors show them.
 */
export function requestFields(defaultMethod: 'GET' | 'POST' | 'PATCH') {
  return {
    url: nonEmpty.describe('Request URL; {VARIABLES} are percent-encoded, the host is literal'),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH']).default(defaultMethod).describe('HTTP method'),
    params: z
      .record(nonEmpty, templateValue)
      .default({})
      .describe('Name → template; GET sends them as the query string, others as the body'),
    headers: z
      .record(headerName, templateValue)
      .default({})
      .describe('Extra request headers, templated; credentials belong in auth'),
    dataFormat: z
      .enum(['property', 'container'])
      .default('property')
      .describe('property: {...params}; container: nested under containerName'),
    containerType: z
      .enum(['map', 'array'])
      .optional()
      .describe('map: {name: {...}}, array: {name: [{...}]}; default map'),
    containerName: nonEmpty.optional().describe('Parent object name of a container body'),
    bodyEncoding: z
      .enum(['json', 'form'])
      .default('json')
      .describe('form sends application/x-www-form-urlencoded (an extension)'),
  };
}

/**
 * Fields every endpoint has. The default method follows what each endpoint does: GET to find,
 * PATCH to update (a partial update of subject, description and status), POST to create, to
 * comment and to upload.
 */
function endpointFields(defaultMethod: 'GET' | 'POST' | 'PATCH') {
  return {
    ...requestFields(defaultMethod),
    responseDataLocation: z
      .string()
      .default('$')
      .describe('JSONPath of the object the response is about, e.g. $.data[0]; no filters'),
    idField: nonEmpty.default('id').describe('Key of the located object that holds its id'),
  };
}

const plainEndpoint = (name: EndpointName, defaultMethod: 'GET' | 'POST' | 'PATCH') =>
  z.strictObject(endpointFields(defaultMethod)).superRefine(checkEndpoint(name));

const commentEndpoint = z
  .strictObject({
    ...endpointFields('POST'),
    convertToHtml: z.boolean().default(false).describe('Send comment text as HTML'),
  })
  .superRefine(checkEndpoint('comment'));

const uploadEndpoint = z
  .strictObject({
    ...endpointFields('POST'),
    method: z.enum(['POST', 'PUT', 'PATCH']).default('POST').describe('HTTP method'),
    type: z
      .enum(['base64', 'multipart'])
      .default('base64')
      .describe('base64: JSON, the {FILE_DATA} param holds base64; multipart: form-data'),
    attachmentType: z
      .enum(['id', 'url'])
      .default('url')
      .describe('id: the response holds the attachment id; url: its download URL'),
    attachmentIdLocation: z.string().optional().describe('JSONPath of the attachment id'),
    attachmentBuilderUrl: z
      .string()
      .optional()
      .describe('Download URL built from {RECORD_ID} and {ATTACHMENT_ID} (attachmentType id)'),
    attachmentUrlLocation: z.string().optional().describe('JSONPath of the download URL'),
    addComment: z
      .boolean()
      .default(false)
      .describe('Comment on the record with the download URL (needs the comment endpoint)'),
    files: z
      .array(z.enum(FILE_KINDS))
      .default([...FILE_KINDS])
      .describe('Which files of a session are uploaded'),
  })
  .superRefine(checkEndpoint('uploadFile'));

const endpointsSchema = z.strictObject({
  findAccountByQuery: plainEndpoint('findAccountByQuery', 'GET')
    .optional()
    .describe('Finds the account by phone or email'),
  findAccountById: plainEndpoint('findAccountById', 'GET')
    .optional()
    .describe('Finds the account by {ACCOUNT_ID}; a 404 falls through to the query'),
  createAccount: plainEndpoint('createAccount', 'POST')
    .optional()
    .describe('Creates the account when none is found'),
  findRecordByQuery: plainEndpoint('findRecordByQuery', 'GET')
    .optional()
    .describe("Finds the account's open record to reuse"),
  createRecord: plainEndpoint('createRecord', 'POST')
    .optional()
    .describe('Creates the record of the session'),
  updateRecord: plainEndpoint('updateRecord', 'PATCH')
    .optional()
    .describe('Updates subject, description, status and CSAT'),
  comment: commentEndpoint.optional().describe('Adds a comment to the record'),
  uploadFile: uploadEndpoint.optional().describe('Uploads recordings, transcripts and media'),
});

const commentsSchema = z.strictObject(
  Object.fromEntries(
    COMMENT_EVENTS.map((event) => [
      event,
      z.boolean().default(true).describe(`Comment on ${event}`),
    ]),
  ) as Record<CommentEvent, z.ZodDefault<z.ZodBoolean>>,
);

const lookupUrl = z.string().superRefine(checkLookupUrl);

export const genericApiSchema = z
  .strictObject({
    auth: outboundAuthSchema.describe('How crm-bridge authenticates to the CRM'),
    phoneNumberFormat: z
      .enum(PHONE_FORMAT_VALUES)
      .default('automatic')
      .describe(
        'How {PHONE_NUMBER} is written; automatic: +1 222 333 4444, *222*333*4444 to search',
      ),
    defaultRegion: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be a two-letter region code such as US')
      .refine(isSupportedCountry, 'is not a region libphonenumber knows')
      .default('US')
      .describe('Region (ISO 3166 alpha-2) of numbers written without a country code'),
    timeoutSeconds: z.number().int().min(1).max(10).default(5).describe('For every request'),
    reuseOpenRecords: z
      .boolean()
      .default(true)
      .describe("Append to the account's latest open record instead of creating one per session"),
    lookupUrls: z
      .strictObject({
        account: lookupUrl.optional().describe("URL template of the CRM's account page"),
        record: lookupUrl.optional().describe("URL template of the CRM's record page"),
      })
      .prefault({})
      .describe('Pages in the CRM that show an account or a record, for agents'),
    defaultAgent: z
      .strictObject({
        id: nonEmpty.optional().describe('Agent id used meanwhile'),
        email: nonEmpty.optional().describe('Agent email used meanwhile'),
        name: nonEmpty.optional().describe('Agent name used meanwhile'),
      })
      .prefault({})
      .describe('Stands in while no agent is assigned (chat before assignment, voicemail)'),
    recordStatusMap: z
      .record(z.string(), z.string().min(1, 'must not be empty'))
      .optional()
      .describe(
        "Session status → the CRM's record status ({RECORD_STATUS}); default: crm.yaml's map",
      ),
    comments: commentsSchema
      .prefault({})
      .describe('Which session events leave a comment on the record (needs the comment endpoint)'),
    endpoints: endpointsSchema
      .prefault({})
      .describe('The CRM endpoints the flows call; leave one out to skip its step'),
  })
  .superRefine((config, ctx) => {
    checkFlows(config.endpoints, ctx);
    checkUploadComment(config.endpoints, ctx);
  });

export type GenericApiConfig = z.output<typeof genericApiSchema>;
export type EndpointsConfig = GenericApiConfig['endpoints'];
export type EndpointConfig = NonNullable<EndpointsConfig[EndpointName]>;
export type CommentEndpointConfig = NonNullable<EndpointsConfig['comment']>;
export type UploadEndpointConfig = NonNullable<EndpointsConfig['uploadFile']>;
export type CommentEvents = GenericApiConfig['comments'];
export type DefaultAgent = GenericApiConfig['defaultAgent'];
