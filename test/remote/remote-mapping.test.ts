/** The pure parts of middleware mode: reading downstream objects, errors and variables. */
import { compileEntityFields } from '../../src/crm/entity-fields';
import { missingOperations } from '../../src/crm/remote/remote-operations';
import { compileGenericApi } from '../../src/generic-api/compiled-config';
import { downstreamFailure, downstreamMessage } from '../../src/crm/remote/downstream-failure';
import { fromDownstream, listFromDownstream } from '../../src/crm/remote/field-map';
import { bodyVariables, queryVariables } from '../../src/crm/remote/remote-variables';
import { testConfig } from '../support/test-app';

const MAP = { id: 'contact_id', name: 'full_name', phone: 'mobile' };

describe('fromDownstream', () => {
  test('When fields are mapped, then they are renamed and every other field is kept', () => {
    expect(
      fromDownstream(
        { contact_id: 7, full_name: 'Bond', mobile: '+1', tier: 'gold' },
        MAP,
        'contact_id',
      ),
    ).toEqual({ id: '7', name: 'Bond', phone: '+1', tier: 'gold' });
  });

  test('When a downstream field has a crm-bridge name that is mapped elsewhere, then the map wins', () => {
    expect(
      fromDownstream({ contact_id: 'C1', full_name: 'Bond', name: 'stale' }, MAP, 'contact_id'),
    ).toEqual({ id: 'C1', name: 'Bond' });
  });

  test('When the object has no id, or is not an object, then there is nothing to read', () => {
    expect(fromDownstream({ full_name: 'Bond' }, MAP, 'contact_id')).toBeUndefined();
    expect(fromDownstream('C1', MAP, 'contact_id')).toBeUndefined();
    expect(fromDownstream(null, MAP, 'contact_id')).toBeUndefined();
  });

  test('When a list is read, then each object with an id is kept in order', () => {
    const list = [{ contact_id: 'C2' }, { nope: 1 }, { contact_id: 'C1' }];
    expect(listFromDownstream(list, MAP, 'contact_id').map((c) => c.id)).toEqual(['C2', 'C1']);
    expect(listFromDownstream(undefined, MAP, 'contact_id')).toEqual([]);
    expect(listFromDownstream({ contact_id: 'C3' }, MAP, 'contact_id')).toEqual([{ id: 'C3' }]);
  });
});

describe('downstreamMessage and downstreamFailure', () => {
  test.each([
    [{ message: 'bad phone' }, 'bad phone'],
    [{ error: { message: 'taken' } }, 'taken'],
    [{ errors: [{ detail: 'first' }, { detail: 'second' }] }, 'first'],
    [{ error: 'invalid_grant', error_description: 'expired' }, 'expired'],
    ['  plain\n text ', 'plain text'],
    ['<html><body>Bad Gateway</body></html>', undefined],
    [{ code: 12 }, undefined],
  ])('When the CRM answers %j, then its message is %j', (body, message) => {
    expect(downstreamMessage(body)).toBe(message);
  });

  test.each([
    [400, 400, 'downstream_rejected'],
    [404, 404, 'downstream_rejected'],
    [422, 422, 'downstream_rejected'],
    [401, 502, 'downstream_auth_failed'],
    [407, 502, 'downstream_auth_failed'],
    [500, 502, 'downstream_error'],
    [302, 502, 'downstream_error'],
  ])('When the CRM answers %d, then the platform gets %d %s', (status, answered, code) => {
    const error = downstreamFailure('createAccount', {
      status,
      headers: {},
      body: '',
      durationMs: 1,
    });
    expect({ status: error.status, code: error.code }).toEqual({ status: answered, code });
  });
});

describe('variables from the inbound request', () => {
  const crm = testConfig('/tmp/unused').crm;
  const accounts = compileEntityFields('account', crm.accounts, 'US');

  test('When a body has built-in fields and fields named like variables, then both become variables', () => {
    expect(
      bodyVariables('record', {
        accountId: 'C1',
        subject: 'Hi',
        rating: 5,
        agentEmail: 'a@b.co',
        file_data: 'never',
        nested: { a: 1 },
        industry: 'spying',
      }),
    ).toEqual({ ACCOUNT_ID: 'C1', TICKET_SUBJECT: 'Hi', RATING: '5', AGENT_EMAIL: 'a@b.co' });
  });

  test('When criteria join equals clauses, then each clause sets its variable', () => {
    expect(
      queryVariables(
        'account',
        {
          criteria: '(Id:equals:) or (Phone:equals:*222*333*4444) and (email:equals:a@b.co)',
          limit: '1',
        },
        accounts,
      ),
    ).toEqual({ PHONE_NUMBER: '*222*333*4444', EMAIL: 'a@b.co' });
  });

  test('When a query names a field the remote search cannot receive, then 400 names it', () => {
    expect(() => queryVariables('account', { industry: 'x' }, accounts)).toThrow(
      'the remote CRM cannot be searched by "industry"',
    );
  });
});

describe('missingOperations', () => {
  test('When the shipped generic-api.yaml (another crm-bridge) is the downstream, then what it lacks is named', () => {
    const { genericApi } = testConfig('/tmp/unused');
    if (genericApi === undefined) throw new Error('config/ ships a generic-api.yaml');
    expect(missingOperations(compileGenericApi(genericApi))).toEqual([
      { route: 'GET /records/:id', reason: 'endpoints.findRecordByQuery does not use {RECORD_ID}' },
      {
        route: 'GET /records/:id/comments',
        reason: 'generic-api.yaml has no endpoint that lists them',
      },
      {
        route: 'GET /records/:id/attachments',
        reason: 'generic-api.yaml has no endpoint that lists them',
      },
      {
        route: 'GET /records/:id/attachments/:attachmentId',
        reason: 'endpoints.uploadFile has no attachmentBuilderUrl (attachmentType is not id)',
      },
    ]);
  });
});
