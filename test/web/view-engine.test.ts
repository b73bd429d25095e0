import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TEMPLATES_DIR } from '../../src/app';
import { createViewEngine } from '../../src/web/view-engine';

function templates(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bridge-views-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  for (const folder of ['layouts', 'partials', 'pages'])
    fs.mkdirSync(path.join(dir, folder), { recursive: true });
  return dir;
}

describe('The view engine', () => {
  test('When a page uses its layout and a partial, then data is escaped in all three', () => {
    const dir = templates({
      'layouts/main.hbs': '<title>{{title}}</title><main>{{body}}</main>',
      'partials/item.hbs': '<li>{{label}}</li>',
      'pages/list.hbs': '<ul>{{#each items as |i|}}{{partial "item" label=i}}{{/each}}</ul>',
    });
    const html = createViewEngine(dir).render('list', { title: '<b>', items: ['<i>x</i>', "'"] });
    expect(html).toBe(
      '<!DOCTYPE html>\n<title>&lt;b&gt;</title><main><ul><li>&lt;i&gt;x&lt;/i&gt;</li><li>&#x27;</li></ul></main>',
    );
  });

  test('When a template reads a prototype property, then nothing comes out', () => {
    const dir = templates({
      'layouts/main.hbs': '{{body}}',
      'pages/proto.hbs': '[{{constructor.name}}][{{__proto__}}][{{x.constructor}}]',
    });
    expect(createViewEngine(dir).render('proto', { x: {} })).toBe('<!DOCTYPE html>\n[][][]');
  });

  test('When a template has a syntax error, then building the engine fails naming the file', () => {
    const dir = templates({ 'layouts/main.hbs': '{{body}}', 'pages/bad.hbs': '{{#if x}}' });
    expect(() => createViewEngine(dir)).toThrow(/bad\.hbs/);
  });

  test('When the shipped templates are read, then none uses the unescaped {{{ }}} form', () => {
    for (const folder of ['layouts', 'partials', 'pages']) {
      for (const file of fs.readdirSync(path.join(TEMPLATES_DIR, folder))) {
        const text = fs.readFileSync(path.join(TEMPLATES_DIR, folder, file), 'utf8');
        expect({ file, unescaped: text.includes('{{{') }).toEqual({ file, unescaped: false });
      }
    }
  });
});
