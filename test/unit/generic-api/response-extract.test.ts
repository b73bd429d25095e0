import { JSONPATH_FILTER_MESSAGE } from '../../../src/generic-api/jsonpath';
import {
  ExtractionError,
  extractAttachment,
  extractId,
  extractResponseId,
  findResponseId,
  locate,
} from '../../../src/generic-api/response-extract';
import { createVariables } from '../../../src/generic-api/template';
import { endpoint, uploadEndpoint } from './compile-helpers';

const LIST = {
  data: [
    { id: 'a1', name: 'James Bond' },
    { id: 'a2', name: 'Eve' },
  ],
  meta: { total: 2 },
};

/** The ExtractionError `run` throws, or a failure when it returns. */
function extractionError(run: () => unknown): ExtractionError {
  try {
    run();
  } catch (error) {
    if (error instanceof ExtractionError) return error;
    throw error;
  }
  throw new Error('expected an ExtractionError');
}

describe('locate', () => {
  it.each([
    ['$', LIST],
    ['$.data[0]', LIST.data[0]],
    ['$.data', LIST.data],
    ['$.data[*].id', 'a1'],
    ['$..name', 'James Bond'],
    ["$['meta']['total']", 2],
    ['$.data[-1:]', LIST.data[1]],
  ])('When the location is %p, then the first match is returned', (path, expected) => {
    expect(locate(LIST, path)).toEqual(expected);
  });

  it('When the location matches nothing, then the result is undefined', () => {
    expect(locate(LIST, '$.data[5]')).toBeUndefined();
    expect(locate({ data: [] }, '$.data[0]')).toBeUndefined();
    expect(locate(undefined, '$')).toBeUndefined();
  });

  it('When the location holds null or the body is text, then that value is returned', () => {
    expect(locate({ data: null }, '$.data')).toBeNull();
    expect(locate('<html>', '$')).toBe('<html>');
  });

  it('When the location has a filter or script, then it is refused and no code runs', () => {
    const globals = globalThis as { pwned?: unknown };
    for (const path of [
      "$.data[?(@.constructor.constructor('globalThis.pwned = 1')())]",
      '$.data[(@.length-1)]',
    ]) {
      expect(() => locate(LIST, path)).toThrow(JSONPATH_FILTER_MESSAGE);
    }
    expect(globals.pwned).toBeUndefined();
  });
});

describe('extractId', () => {
  it('When the located object has the id field, then its value is the id', () => {
    expect(extractId({ id: 'a1' }, 'id')).toBe('a1');
    expect(extractId({ contact_id: 'c-9', id: 'x' }, 'contact_id')).toBe('c-9');
  });

  it('When the id is a number, then it becomes a string', () => {
    expect(extractId({ id: 123 }, 'id')).toBe('123');
    expect(extractId({ id: 0 }, 'id')).toBe('0');
  });

  it('When the id is missing, then the error names the endpoint, the location and what is there', () => {
    const error = extractionError(() =>
      extractId({ name: 'James Bond' }, 'id', { endpoint: 'createAccount', location: '$.data' }),
    );
    expect(error).toMatchObject({
      endpoint: 'createAccount',
      location: '$.data',
      found: 'an object without "id": {"name":"James Bond"}',
    });
    expect(error.message).toBe(
      'createAccount: expected an id (field "id") at $.data, found an object without "id": {"name":"James Bond"}',
    );
  });

  it.each([
    [{ id: null }, '"id" holding null'],
    [{ id: '  ' }, '"id" holding a string: "  "'],
    [{ id: { value: 1 } }, '"id" holding an object: {"value":1}'],
    [{ id: true }, '"id" holding boolean true'],
    [
      LIST.data,
      'an array of 2 items: [{"id":"a1","name":"James Bond"},{"id":"a2","name":"Eve"}] (point the location at one element, e.g. [0])',
    ],
    [undefined, 'nothing (the path matched no value)'],
    [null, 'null'],
  ])('When the located value is %p, then the error says it found %p', (located, found) => {
    expect(extractionError(() => extractId(located, 'id')).found).toBe(found);
  });

  it('When what was found is long, then the preview is cut short', () => {
    const found = extractionError(() => extractId({ text: 'x'.repeat(500) }, 'id')).found;
    expect(found).toBe(`an object without "id": {"text":"${'x'.repeat(51)}…`);
  });
});

describe('extractResponseId and findResponseId', () => {
  const create = endpoint('createAccount', {
    url: 'https://crm.example.com/api/accounts',
    responseDataLocation: '$.data',
  });
  const find = endpoint('findAccountByQuery', {
    url: 'https://crm.example.com/api/accounts',
    responseDataLocation: '$.data[0]',
    idField: 'contact_id',
  });

  it('When a create response holds the object at the location, then its id is returned', () => {
    expect(extractResponseId(create, { data: { id: 42, name: 'James' } })).toBe('42');
  });

  it('When the location points at the id itself, then that value is the id', () => {
    const direct = endpoint('createAccount', {
      url: 'https://crm.example.com/api/accounts',
      responseDataLocation: '$.result.id',
    });
    expect(extractResponseId(direct, { result: { id: 7 } })).toBe('7');
  });

  it('When the location is the root and the body is text, then the text is not taken as an id', () => {
    const root = endpoint('createAccount', { url: 'https://crm.example.com/api/accounts' });
    expect(() => extractResponseId(root, '<html>OK</html>')).toThrow(
      'createAccount: expected an id (field "id") at $, found a string: "<html>OK</html>"',
    );
  });

  it('When a create response lacks the object, then the error names endpoint and location', () => {
    expect(() => extractResponseId(create, { account: { id: 1 } })).toThrow(
      'createAccount: expected an id (field "id") at $.data, found nothing (the path matched no value)',
    );
  });

  it('When a find response holds no match, then there is no id and no error', () => {
    expect(findResponseId(find, { data: [] })).toBeUndefined();
    expect(findResponseId(find, { data: [null] })).toBeUndefined();
    const byId = endpoint('findAccountById', {
      url: 'https://crm.example.com/api/accounts/{ACCOUNT_ID}',
      responseDataLocation: '$.data',
    });
    expect(findResponseId(byId, { data: null })).toBeUndefined();
    expect(findResponseId(byId, { data: [] })).toBeUndefined();
  });

  it('When a find response holds a match, then its id field is the id', () => {
    expect(findResponseId(find, { data: [{ contact_id: 5 }, { contact_id: 6 }] })).toBe('5');
  });

  it('When a find response holds a match without the id field, then it is an error', () => {
    expect(() => findResponseId(find, { data: [{ id: 5 }] })).toThrow(
      'findAccountByQuery: expected an id (field "contact_id") at $.data[0], found an object without "contact_id": {"id":5}',
    );
  });
});

describe('extractAttachment', () => {
  const uploadBase = {
    url: 'https://crm.example.com/api/records/{RECORD_ID}/attachments',
    params: { file: '{FILE_DATA}' },
  };
  const record = createVariables({ RECORD_ID: 'r/1', NAME: 'James' });

  it('When attachmentType is id, then the URL is built from RECORD_ID and ATTACHMENT_ID', () => {
    const upload = uploadEndpoint({
      ...uploadBase,
      attachmentType: 'id',
      attachmentIdLocation: '$.attachment.id',
      attachmentBuilderUrl: 'https://crm.example.com/records/{RECORD_ID}/files/{ATTACHMENT_ID}',
    });
    expect(extractAttachment(upload, { attachment: { id: 'f 7' } }, record)).toEqual({
      id: 'f 7',
      url: 'https://crm.example.com/records/r%2F1/files/f%207',
    });
    expect(extractAttachment(upload, { attachment: { id: 123 } }, record).id).toBe('123');
  });

  it('When attachmentType is id and the id is missing, then the error says what is there', () => {
    const upload = uploadEndpoint({
      ...uploadBase,
      attachmentType: 'id',
      attachmentIdLocation: '$.id',
      attachmentBuilderUrl: 'https://crm.example.com/files/{ATTACHMENT_ID}',
    });
    expect(() => extractAttachment(upload, { url: 'https://x' }, record)).toThrow(
      'uploadFile: expected the attachment id at $.id, found nothing (the path matched no value)',
    );
  });

  it('When attachmentType is url, then the URL is read at its location', () => {
    const upload = uploadEndpoint({ ...uploadBase, attachmentUrlLocation: '$.url' });
    const body = { id: 9, url: 'https://crm.example.com/api/records/r1/attachments/9' };
    expect(extractAttachment(upload, body, record)).toEqual({ url: body.url });
  });

  it('When attachmentType is url with an id location, then the id is read too', () => {
    const upload = uploadEndpoint({
      ...uploadBase,
      attachmentUrlLocation: '$.url',
      attachmentIdLocation: '$.id',
    });
    const body = { id: 9, url: 'https://crm.example.com/api/records/r1/attachments/9' };
    expect(extractAttachment(upload, body, record)).toEqual({ id: '9', url: body.url });
    expect(extractAttachment(upload, { url: body.url }, record)).toEqual({ url: body.url });
  });

  it('When attachmentType is url and the URL is missing or not text, then it is an error', () => {
    const upload = uploadEndpoint({ ...uploadBase, attachmentUrlLocation: '$.data.url' });
    expect(() => extractAttachment(upload, { data: { url: 5 } }, record)).toThrow(
      'uploadFile: expected the attachment URL at $.data.url, found number 5',
    );
    expect(() => extractAttachment(upload, { data: {} }, record)).toThrow(
      'uploadFile: expected the attachment URL at $.data.url, found nothing (the path matched no value)',
    );
  });
});
