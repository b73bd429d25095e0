/** A URL for the report: credentials in its user info are masked (`mongodb://***@host/db`). */
export function withoutCredentials(url: string): string {
  return url.replace(/\/\/[^@/?#]*@/, '//***@');
}
