import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';

/**
 * The one handlebars engine of the web pages: layouts from `templates/layouts`, partials from
 * `templates/partials`, pages from `templates/pages`, all read and checked when the app is built.
 *
 * Templates use only the syntax Prettier's handlebars (Glimmer) parser understands, so they stay
 * formatted like the rest of the code: a layout receives its page as `{{body}}` (a SafeString of
 * our own rendered output, so no `{{{ }}}` is ever needed) and a partial is called through the
 * `partial` helper (`{{partial "field-list" rows=fields}}`) instead of `{{> name}}`.
 */
export interface ViewEngine {
  /** A whole HTML document: the page rendered inside its layout. */
  render(page: string, context: Readonly<Record<string, unknown>>, layout?: string): string;
}

type Template = Handlebars.TemplateDelegate<Record<string, unknown>>;

const EXTENSION = '.hbs';
/** Helpers the templates may call; anything else named in a template is read as data. */
const HELPERS = { partial: true, date: true, bytes: true } as const;

export function createViewEngine(templatesDir: string): ViewEngine {
  const hb = Handlebars.create();
  const compileDir = (folder: string): Map<string, Template> =>
    new Map(
      readTemplates(path.join(templatesDir, folder)).map(({ name, file, source }) => [
        name,
        compile(hb, source, file),
      ]),
    );
  const layouts = compileDir('layouts');
  const partials = compileDir('partials');
  const pages = compileDir('pages');

  hb.registerHelper('partial', (name: unknown, options: Handlebars.HelperOptions) => {
    const partial = typeof name === 'string' ? partials.get(name) : undefined;
    if (!partial) throw new Error(`no partial "${String(name)}" in templates/partials`);
    return new hb.SafeString(partial({ ...options.hash }, { data: options.data }));
  });
  hb.registerHelper('date', formatDate);
  hb.registerHelper('bytes', formatBytes);

  return {
    render(page, context, layout = 'main') {
      const pageTemplate = pages.get(page);
      const layoutTemplate = layouts.get(layout);
      if (!pageTemplate) throw new Error(`no page "${page}" in templates/pages`);
      if (!layoutTemplate) throw new Error(`no layout "${layout}" in templates/layouts`);
      const body = new hb.SafeString(pageTemplate({ ...context }));
      // The doctype lives here because Prettier's handlebars formatter drops it from templates.
      return `<!DOCTYPE html>\n${layoutTemplate({ ...context, body })}`;
    },
  };
}

function readTemplates(dir: string): { name: string; file: string; source: string }[] {
  return fs
    .readdirSync(dir)
    .filter((entry) => entry.endsWith(EXTENSION))
    .sort()
    .map((entry) => {
      const file = path.join(dir, entry);
      return {
        name: entry.slice(0, -EXTENSION.length),
        file,
        source: fs.readFileSync(file, 'utf8'),
      };
    });
}

/**
 * handlebars compiles lazily on first use; parsing now makes a syntax error fail the start,
 * naming the file, instead of the first request that renders it. Never any prototype access.
 */
function compile(hb: typeof Handlebars, source: string, file: string): Template {
  try {
    hb.parse(source);
  } catch (error) {
    throw new Error(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return hb.compile(source, { knownHelpers: HELPERS, knownHelpersOnly: true, strict: false });
}

/** ISO 8601 → `2026-11-22 09:12 UTC`; anything else is shown as it is. */
export function formatDate(value: unknown): string {
  if (typeof value !== 'string' || value === '') return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function formatBytes(value: unknown): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '';
  if (value < 1024) return `${value} B`;
  if (value < 1024 * 1024) return `${(value / 1024).toFixed(1)} kB`;
  return `${(value / (1024 * 1024)).toFixed(1)} MB`;
}
