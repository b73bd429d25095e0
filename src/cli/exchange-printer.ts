import type { OutboundRequest, OutboundResponse } from '../generic-api/outbound';

const MAX_BODY_CHARS = 2000;

/** Binary content (file uploads) is summarised; text is shown, JSON pretty-printed. */
function bodyText(body: Buffer | undefined, contentType: string | undefined): string | undefined {
  if (body === undefined || body.length === 0) return undefined;
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('json')) {
    const text = body.toString('utf8');
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      return text;
    }
  }
  if (type.startsWith('multipart/')) return multipartSummary(body);
  if (type.startsWith('text/') || type.includes('x-www-form-urlencoded'))
    return body.toString('utf8');
  return `<${body.length} bytes of ${type || 'data'}>`;
}

/** The text parts of a multipart body as sent, each file part replaced by its size. */
function multipartSummary(body: Buffer): string {
  const text = body.toString('latin1');
  return text.replace(
    /(Content-Type: (?!text\/)[^\r\n]+\r\n\r\n)([\s\S]*?)(\r\n--)/g,
    (_m, head: string, content: string, tail: string) => `${head}<${content.length} bytes>${tail}`,
  );
}

function clip(text: string): string {
  return text.length > MAX_BODY_CHARS
    ? `${text.slice(0, MAX_BODY_CHARS)}\n… (${text.length} characters)`
    : text;
}

const indent = (text: string): string[] => text.split('\n').map((line) => `    ${line}`);

export function formatRequest(request: OutboundRequest): string[] {
  const headers = Object.entries(request.headers).map(([k, v]) => `    ${k}: ${v}`);
  const contentType = Object.entries(request.headers).find(
    ([k]) => k.toLowerCase() === 'content-type',
  )?.[1];
  const body = bodyText(request.body, contentType);
  return [
    `→ ${request.method} ${request.url}   (${request.endpoint})`,
    ...headers,
    ...(body === undefined ? [] : indent(clip(body))),
  ];
}

export function formatResponse(response: OutboundResponse): string[] {
  const body =
    typeof response.body === 'string' ? response.body : JSON.stringify(response.body, null, 2);
  return [
    `← ${response.status} (${Math.round(response.durationMs)} ms)`,
    ...(body === '' || body === undefined ? [] : indent(clip(body))),
  ];
}
