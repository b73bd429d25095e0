import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  composeOutcomeEmail,
  loadOutcomeTemplates,
  type OutcomeTemplates,
} from '../../src/sessions/outcome-email';

const TEMPLATES_DIR = join(__dirname, '..', '..', 'templates');

const call = (): Record<string, unknown> => ({
  id: 6868,
  lang: 'en',
  call_type: 'IncomingCall',
  status: 'finished',
  created_at: '2024-05-01T10:14:02.000Z',
  ends_at: '2024-05-01T10:21:40.000Z',
  call_duration: 412,
  agent_info: { id: 7, name: 'Alice "Ace" Smith', email: 'alice@example.com' },
  selected_menu: { id: 12, name: 'Billing <EU>' },
  out_ticket_id: 'R-1',
  custom_key_kept: { nested: [1, 2, 3] },
});

const chat = (): Record<string, unknown> => ({
  id: 73522,
  chat_type: 'web',
  status: 'finished',
  message_count: 5,
  end_user: { id: 55, identifier: 'cust-55' },
  transcript: {
    entries: [
      {
        timestamp: '2024-05-01T10:15:03.000Z',
        role: 'end_user',
        body: { type: 'text', text: 'Hi, my invoice is wrong' },
        user_data: { name: 'Jane Doe' },
      },
      {
        timestamp: '2024-05-01T10:15:40.120Z',
        role: 'agent',
        body: { type: 'text', text: 'Sorry to hear that.\nCould you send a photo of it?' },
        user_data: { name: 'Alice Smith' },
      },
      {
        timestamp: '2024-05-01T10:16:12.000Z',
        role: 'end_user',
        body: { type: 'photo' },
        user_data: { name: 'Jane Doe' },
      },
      {
        timestamp: 1714558600,
        role: 'virtual_agent',
        body: { type: 'text', text: 'The agent is checking.' },
      },
      { role: 'system', body: { type: 'noti', text: 'Chat ended' }, user_data: {} },
    ],
  },
});

const options = (templates: OutcomeTemplates) => ({
  from: 'no-reply@crm-bridge.local',
  to: 'crm@example.com',
  templates,
});

describe('composeOutcomeEmail with the shipped templates', () => {
  let templates: OutcomeTemplates;
  beforeAll(async () => {
    templates = await loadOutcomeTemplates(TEMPLATES_DIR);
  });

  it('When the session is a call, then the subject names the call, its id and status', () => {
    const mail = composeOutcomeEmail(call(), options(templates));
    expect(mail.subject).toBe('Session outcome: call 6868 (finished)');
    expect(mail.from).toBe('no-reply@crm-bridge.local');
    expect(mail.to).toBe('crm@example.com');
  });

  it('When the session is a chat, then the subject names the chat', () => {
    expect(composeOutcomeEmail(chat(), options(templates)).subject).toBe(
      'Session outcome: chat 73522 (finished)',
    );
  });

  it('When composed, then the body is exactly the pretty JSON, quotes not escaped', () => {
    const session = call();
    const mail = composeOutcomeEmail(session, options(templates));
    expect(mail.text).toBe(JSON.stringify(session, null, 2));
    expect(JSON.parse(mail.text)).toEqual(session);
    expect(mail.text).toContain('"Alice \\"Ace\\" Smith"');
    expect(mail.text).toContain('Billing <EU>');
    expect(mail.text).not.toMatch(/&quot;|&lt;|&#x27;/);
  });

  it('When composed, then the session header lets ingestion recognise the email', () => {
    expect(composeOutcomeEmail(call(), options(templates)).headers).toEqual({
      'X-Crm-Bridge-Session': 'call-6868',
    });
    expect(composeOutcomeEmail(chat(), options(templates)).headers).toEqual({
      'X-Crm-Bridge-Session': 'chat-73522',
    });
  });

  it('When the session is a call, then nothing is attached', () => {
    expect(composeOutcomeEmail(call(), options(templates)).attachments).toBeUndefined();
  });

  it('When the session is a chat, then its transcript is attached as chat-{id}.txt', () => {
    const [attachment, ...others] =
      composeOutcomeEmail(chat(), options(templates)).attachments ?? [];
    expect(others).toEqual([]);
    expect(attachment?.filename).toBe('chat-73522.txt');
    expect(attachment?.contentType).toBe('text/plain; charset=utf-8');
    expect(attachment?.content.toString('utf8')).toBe(
      [
        '[2024-05-01 10:15:03 UTC] end_user Jane Doe: Hi, my invoice is wrong',
        '[2024-05-01 10:15:40 UTC] agent Alice Smith: Sorry to hear that.',
        '  Could you send a photo of it?',
        '[2024-05-01 10:16:12 UTC] end_user Jane Doe: [photo]',
        '[2024-05-01 10:16:40 UTC] virtual_agent: The agent is checking.',
        '[-] system: [noti] Chat ended',
        '',
      ].join('\n'),
    );
  });

  it('When a chat has no transcript entries, then nothing is attached', () => {
    const session = { ...chat(), transcript: { entries: [] } };
    expect(composeOutcomeEmail(session, options(templates)).attachments).toBeUndefined();
  });

  it('When the session has no id, then composing fails with a clear message', () => {
    const { id: _id, ...session } = call();
    expect(() => composeOutcomeEmail(session, options(templates))).toThrow(/session id/);
  });
});

describe('loadOutcomeTemplates', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'outcome-templates-'));
    await mkdir(join(dir, 'outcome-email'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const write = (name: string, source: string) =>
    writeFile(join(dir, 'outcome-email', name), source);

  it('When an admin edits the templates, then the email uses them without HTML escaping', async () => {
    await write('subject.hbs', '[{{status}}]\n{{session.agent_info.name}} & {{kind}}-{{id}}\n');
    await write('text.hbs', 'Agent: {{session.agent_info.name}}\n\n{{json}}\n');
    const mail = composeOutcomeEmail(call(), options(await loadOutcomeTemplates(dir)));
    expect(mail.subject).toBe('[finished] Alice "Ace" Smith & call-6868');
    expect(mail.text).toBe(`Agent: Alice "Ace" Smith\n\n${JSON.stringify(call(), null, 2)}\n`);
  });

  it('When a template has a syntax error, then the error names the file and line', async () => {
    await write('subject.hbs', 'Session outcome: {{kind}}');
    await write('text.hbs', 'Session:\n{{#if status}}\n{{json}}\n');
    await expect(loadOutcomeTemplates(dir)).rejects.toThrow(
      `${join(dir, 'outcome-email', 'text.hbs')}:4: Parse error on line 4:`,
    );
  });

  it('When a template uses an unknown helper, then it fails at load, naming file and line', async () => {
    await write('subject.hbs', 'Session outcome:\n{{upper kind}}');
    await write('text.hbs', '{{json}}');
    await expect(loadOutcomeTemplates(dir)).rejects.toThrow(
      new RegExp(`subject\\.hbs:2: .*unknown helper upper`),
    );
  });

  it('When a template uses a partial that does not exist, then it fails at load', async () => {
    await write('subject.hbs', 'x');
    await write('text.hbs', '{{> footer}}');
    await expect(loadOutcomeTemplates(dir)).rejects.toThrow(/text\.hbs: .*partial footer/);
  });

  it('When a template file is missing, then the error names it', async () => {
    await write('subject.hbs', 'x');
    await expect(loadOutcomeTemplates(dir)).rejects.toThrow(
      `outcome email template ${join(dir, 'outcome-email', 'text.hbs')} cannot be read`,
    );
  });
});
