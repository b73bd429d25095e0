import fs from 'node:fs';
import path from 'node:path';
import { compileWhen, whenSchema } from '../../src/actions/when';
import { createVariables } from '../../src/generic-api/template';
import { formatProblem } from '../../src/shared/config/load-config';
import { ROOT } from '../support/run-cli';
import { loadActions, withActionsYaml } from './action-app';

describe('when:', () => {
  const holds = (when: unknown, vars: Record<string, string>): boolean =>
    compileWhen(whenSchema.parse(when))(createVariables(vars));

  test.each([
    ['a value: equals, as text', { QUEUE_ID: 8469 }, { QUEUE_ID: '8469' }, true],
    [
      'a value: equals, exactly',
      { SESSION_STATUS: 'finished' },
      { SESSION_STATUS: 'Finished' },
      false,
    ],
    ['a value: an absent variable is not equal', { SESSION_STATUS: 'finished' }, {}, false],
    ['a list: one of them', { RATING: [1, 2] }, { RATING: '2' }, true],
    ['a list: none of them', { RATING: [1, 2] }, { RATING: '3' }, false],
    ['exists: true, a value', { EMAIL: { exists: true } }, { EMAIL: 'a@b.c' }, true],
    ['exists: true, empty', { EMAIL: { exists: true } }, { EMAIL: '' }, false],
    ['exists: false, absent', { EMAIL: { exists: false } }, {}, true],
    ['not: another value', { CHANNEL: { not: 'chat' } }, { CHANNEL: 'voice_call' }, true],
    ['not: absent counts as another value', { CHANNEL: { not: ['chat'] } }, {}, true],
    ['not: the value', { CHANNEL: { not: ['chat', 'sms'] } }, { CHANNEL: 'sms' }, false],
    ['a map: every entry', { CHANNEL: 'chat', RATING: 1 }, { CHANNEL: 'chat', RATING: '2' }, false],
    [
      'a map: every entry holds',
      { CHANNEL: 'chat', RATING: 1 },
      { CHANNEL: 'chat', RATING: '1' },
      true,
    ],
    ['names in any case', { session_status: 'failed' }, { SESSION_STATUS: 'failed' }, true],
  ])('When %s, then the condition says so', (_, when, vars, expected) => {
    expect(holds(when, vars)).toBe(expected);
  });

  test('When there is no when:, then every event runs the action', () => {
    expect(compileWhen(undefined)(createVariables({}))).toBe(true);
  });
});

describe('config check of actions.yaml', () => {
  /** `config check`'s lines for this actions.yaml beside the shipped server.yaml and crm.yaml. */
  const problems = (actionsYaml: string): string[] =>
    withActionsYaml(actionsYaml, {}, (loaded, dir) =>
      loaded.ok ? [] : loaded.problems.map((p) => formatProblem(p).slice(dir.length + 1)),
    );

  test('When actions.yaml is as shipped (all commented out), then it loads with no action', () => {
    const shipped = fs.readFileSync(path.join(ROOT, 'config/actions.yaml'), 'utf8');
    expect(loadActions(shipped, {})).toEqual({ actions: [] });
  });

  test('When an action has mistakes, then each is reported with its line and path', () => {
    const yaml = [
      'actions:',
      '  - name: first',
      '    on: [session.finished, New_Cal]',
      '    when: { SESION_STATUS: finished, QUEUE_ID: { maybe: true } }',
      '    request:',
      '      url: https://{ACCOUNT_ID}.example.com/hook',
      '      params: { who: "{AGENT_MAIL}", data: "=JSON_STRING(a, b)" }',
      '      headers: { Content-Type: text/plain }',
      '  - name: first',
      '    on: [record.created]',
      '    request: { url: https://example.com/x, method: GET, bodyEncoding: form }',
    ].join('\n');
    expect(problems(yaml)).toEqual([
      expect.stringMatching(
        /^actions\.yaml:3: actions\.0\.on\.1: must be one of session\.finished, /,
      ),
      'actions.yaml:4: actions.0.when.QUEUE_ID: must be a value, a list of values, { exists: true|false } or { not: value(s) }',
      'actions.yaml:4: actions.0.when.SESION_STATUS: unknown variable SESION_STATUS; did you mean SESSION_STATUS?',
      'actions.yaml:6: actions.0.request.url: the scheme and host must be written out; variables may only follow the host',
      'actions.yaml:7: actions.0.request.params.who: column 1: unknown variable {AGENT_MAIL}; did you mean {AGENT_EMAIL}?',
      'actions.yaml:7: actions.0.request.params.data: column 17: expected exactly 1 argument in JSON_STRING(, found 2',
      'actions.yaml:8: actions.0.request.headers.Content-Type: Content-Type is set by crm-bridge; remove it',
      'actions.yaml:9: actions.1.name: first is used by an earlier action',
      'actions.yaml:11: actions.1.request.bodyEncoding: form does not apply: a GET request has no body (its params go in the query string)',
    ]);
  });
});
