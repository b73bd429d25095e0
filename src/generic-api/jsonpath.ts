/**
 * The one place crm-bridge evaluates a JSONPath (Response Data Location, attachment locations).
 *
 * jsonpath-plus 10.4 runs filter and script expressions (`[?(...)]`, `[(...)]`) even with its
 * default `eval: "safe"` (DEPENDENCIES.md), so evaluation always passes `eval: false`, and
 * `config check` refuses such paths up front so that none reaches a response at run time.
 */
import { JSONPath } from 'jsonpath-plus';

export const JSONPATH_FILTER_MESSAGE =
  'JSONPath filters are not supported (they would run code); use a plain path like $.data[0]';

const OPEN_BRACKET = '[';
const CLOSE_BRACKET = ']';

/**
 * Why `path` cannot be used as a location, or undefined when it can. jsonpath-plus itself
 * accepts nearly any text (`$.data[0` silently means `$.data[0]`), so the shape is checked here:
 * a leading `$`, brackets and quotes closed, and no expression that would need code to run.
 */
export function jsonPathProblem(path: string): string | undefined {
  if (path.trim() === '') return 'must not be empty';
  if (!path.startsWith('$')) return 'must start with $ (the whole response), e.g. $.data[0]';
  const shape = scanShape(path);
  if (shape !== undefined) return shape;
  try {
    JSONPath.toPathArray(path);
  } catch (error) {
    return `is not a JSONPath: ${error instanceof Error ? error.message : String(error)}`;
  }
  return undefined;
}

/** Brackets and quotes, outside of which `?(`, `[(` and `(@` start an expression. */
function scanShape(path: string): string | undefined {
  let quote: string | undefined;
  let openAt = -1;
  for (let i = 0; i < path.length; i++) {
    const char = path.charAt(i);
    if (quote !== undefined) {
      if (char === '\\') i++;
      else if (char === quote) quote = undefined;
      continue;
    }
    if (char === "'" || char === '"') {
      if (openAt < 0) return `quote at column ${i + 1} is outside brackets (write $['a b'])`;
      quote = char;
    } else if (startsExpression(path, i)) {
      return JSONPATH_FILTER_MESSAGE;
    } else if (char === OPEN_BRACKET) {
      if (openAt >= 0) return `'[' at column ${i + 1} inside another '['`;
      openAt = i;
    } else if (char === CLOSE_BRACKET) {
      if (openAt < 0) return `']' at column ${i + 1} closes nothing`;
      openAt = -1;
    }
  }
  if (quote !== undefined) return `unclosed ${quote}`;
  if (openAt >= 0) return `'[' at column ${openAt + 1} is never closed`;
  return undefined;
}

function startsExpression(path: string, i: number): boolean {
  const pair = path.slice(i, i + 2);
  return pair === '?(' || pair === '[(' || pair === '(@';
}

type Json = null | boolean | number | string | object;

/**
 * The first value `path` selects in `json`, or undefined when it selects nothing. The first,
 * because a location names one object (`$.data[0]`); a path that selects one array
 * (`$.data`) yields that array as its single match, never its first element.
 */
export function firstMatch(json: unknown, path: string): unknown {
  if (json === undefined || typeof json === 'function' || typeof json === 'symbol') {
    return undefined;
  }
  const matches: unknown = JSONPath({
    path,
    json: json as Json,
    eval: false,
    wrap: true,
    resultType: 'value',
  });
  return Array.isArray(matches) ? (matches as unknown[])[0] : undefined;
}
