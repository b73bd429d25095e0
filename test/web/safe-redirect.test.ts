import { sameSitePath } from '../../src/web/safe-redirect';

describe('sameSitePath', () => {
  test.each(['/lookup', '/records/abc?x=1#top', '/lookup?ani=%2B1222', '/'])(
    'When next is %j, then it is kept',
    (path) => {
      expect(sameSitePath(path)).toBe(path);
    },
  );

  test.each([
    '//evil.example',
    '///evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    'https://evil.example/',
    'http:/evil.example',
    'javascript:alert(1)',
    'data:text/html,x',
    '/\t/evil.example',
    '/\n/evil.example',
    'lookup',
    '',
    `/${'a'.repeat(2000)}`,
    undefined,
    ['/lookup'],
  ])('When next is %j, then it is refused', (value) => {
    expect(sameSitePath(value)).toBeUndefined();
  });
});
