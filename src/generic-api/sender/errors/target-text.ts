/** The URL without its query: queries carry personal data (phone numbers, emails) and tokens. */
export function targetText(url: string): string {
  if (!URL.canParse(url)) return url.replace(/[?#].*$/s, '');
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
