/** Whether a URL's host is this machine, where plain http and self-made URLs are fine. */
export function isLoopback(url: URL): boolean {
  const host = url.hostname;
  return host === 'localhost' || host.startsWith('127.') || host === '[::1]';
}
