import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type supertest from 'supertest';
import { OPENAPI_PATH } from '../../src/api/openapi/api-operations';

type Json = Record<string, unknown>;
interface Answer {
  status: number;
  type: string;
  body: unknown;
}

const DOCUMENT_ID = 'openapi.json';
const pointer = (...parts: string[]): string =>
  parts.map((p) => `/${p.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/** `/api/v1/records/{id}` → a regexp that matches its concrete paths. */
const templateRegExp = (template: string): RegExp =>
  new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}$`);

/**
 * Checks real answers against the served OpenAPI document: the status must be listed for the
 * operation and a JSON body must match its schema. Paths the document does not know are left
 * to the coverage test.
 */
export class ApiContract {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly templates: { template: string; regexp: RegExp }[];

  constructor(private readonly document: Json) {
    addFormats(this.ajv);
    this.ajv.addSchema(document, DOCUMENT_ID);
    this.templates = Object.keys(document.paths as Json).map((template) => ({
      template,
      regexp: templateRegExp(template),
    }));
  }

  /** Throws a message naming the operation and what does not match. */
  check(method: string, url: string, answer: Answer): void {
    const path = new URL(url, 'http://x').pathname;
    const template = this.templates.find((t) => t.regexp.test(path))?.template;
    const verb = method.toLowerCase();
    const operation = template
      ? ((this.document.paths as Record<string, Json>)[template]?.[verb] as Json | undefined)
      : undefined;
    if (!template || !operation) return;
    const name = `${method.toUpperCase()} ${template}`;
    const responses = operation.responses as Record<string, { content?: Json }>;
    const status =
      responses[String(answer.status)] === undefined
        ? `${Math.floor(answer.status / 100)}XX`
        : String(answer.status);
    const documented = responses[status];
    if (!documented) {
      throw new Error(
        `${name} answered ${answer.status}, which the OpenAPI document does not list ` +
          `(it lists ${Object.keys(responses).join(', ')}): ${JSON.stringify(answer.body)}`,
      );
    }
    const mediaType = answer.type || undefined;
    const content = documented.content ?? {};
    if (mediaType === undefined || Object.keys(content).length === 0) return;
    const entry = content[mediaType] !== undefined ? mediaType : '*/*';
    if (content[entry] === undefined) {
      throw new Error(`${name} ${answer.status} answered ${mediaType}, not documented`);
    }
    const schemaPointer = pointer('paths', template, verb, 'responses', status);
    const validate = this.validator(
      `${schemaPointer}${pointer('content', entry, 'schema')}`,
      (content[entry] as Json).schema !== undefined,
    );
    if (validate && !validate(answer.body)) {
      throw new Error(
        `${name} ${answer.status} body does not match the OpenAPI document: ` +
          `${this.ajv.errorsText(validate.errors)}\n${JSON.stringify(answer.body, null, 2)}`,
      );
    }
  }

  private validator(schemaPointer: string, present: boolean): ValidateFunction | undefined {
    if (!present) return undefined;
    let validate = this.validators.get(schemaPointer);
    if (!validate) {
      validate = this.ajv.getSchema(`${DOCUMENT_ID}#${schemaPointer}`);
      if (!validate) throw new Error(`no schema at ${schemaPointer}`);
      this.validators.set(schemaPointer, validate);
    }
    return validate;
  }
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Every request the agent makes is checked against the document the app serves. */
export async function checkAnswersAgainstDocument(agent: supertest.Agent): Promise<ApiContract> {
  const served = await agent.get(OPENAPI_PATH);
  if (served.status !== 200) throw new Error(`${OPENAPI_PATH} answered ${served.status}`);
  const contract = new ApiContract(served.body as Json);
  for (const method of METHODS) {
    const send = agent[method].bind(agent);
    agent[method] = ((url: string) =>
      send(url).expect((res) => {
        contract.check(method, url, res);
      })) as (typeof agent)[typeof method];
  }
  return contract;
}
