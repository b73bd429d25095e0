import { cutToBytes, snapshotBody } from '../../src/journal/body-snapshot';
import { maskHeaders, maskUrl } from '../../src/journal/journal-mask';

describe('Journal bodies: masking', () => {
  test('When a JSON body holds secrets, phones and emails, then none of them is kept', () => {
    const body = {
      account: { name: 'James Bond', phone: '+1 222 333 4444', email: 'james.bond@mi6.co.uk' },
      password: 'hunter22',
      client_secret: 'abc-secret',
      access_token: 'tok-123456',
      apiKey: 'k-987',
    };

    const kept = snapshotBody({ value: body, bytes: 200 }, 2048);

    expect(JSON.parse(kept?.text ?? '')).toEqual({
      account: { name: 'James Bond', phone: '***44', email: 'j***@mi6.co.uk' },
      password: '[secret]',
      client_secret: '[secret]',
      access_token: '[secret]',
      apiKey: '[secret]',
    });
    expect(kept).toMatchObject({ bytes: 200 });
    expect(kept?.truncated).toBeUndefined();
  });

  test('When a body nests deeper than the masking walks, then the deep part is replaced, not shown', () => {
    const deep = { a: { b: { c: { d: { e: { f: { g: { password: 'hunter22' } } } } } } } };

    const text = snapshotBody({ value: deep }, 2048)?.text ?? '';

    expect(text).not.toContain('hunter22');
    expect(text).toContain('…');
  });

  test('When bytes arrive as JSON or a form, then they are decoded and masked by key', () => {
    const json = snapshotBody(
      {
        value: Buffer.from('{"token":"t-1","phone":"2223334444"}'),
        contentType: 'application/json; charset=utf-8',
      },
      2048,
    );
    const form = snapshotBody(
      {
        value: Buffer.from('grant_type=client_credentials&client_secret=s3cret'),
        contentType: 'application/x-www-form-urlencoded',
      },
      2048,
    );

    expect(JSON.parse(json?.text ?? '')).toEqual({ token: '[secret]', phone: '***44' });
    expect(JSON.parse(form?.text ?? '')).toEqual({
      grant_type: 'client_credentials',
      client_secret: '[secret]',
    });
  });

  test('When a body is binary, then only its size is kept', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]);

    expect(snapshotBody({ value: png, contentType: 'image/png' }, 2048)).toEqual({ bytes: 8 });
    expect(snapshotBody({ value: png }, 2048)).toEqual({ bytes: 8 });
  });

  test('When bodyBytes is 0, then no body text is kept but sizes are', () => {
    expect(snapshotBody({ value: { a: 1 }, bytes: 7 }, 0)).toEqual({ bytes: 7 });
    expect(snapshotBody({}, 2048)).toBeUndefined();
  });
});

describe('Journal bodies: truncation', () => {
  test('When a body is larger than bodyBytes, then its text is cut to that many bytes and marked', () => {
    const body = { items: Array.from({ length: 500 }, (_, i) => ({ n: i, label: `item ${i}` })) };

    const kept = snapshotBody({ value: body }, 256);

    expect(Buffer.byteLength(kept?.text ?? '')).toBeLessThanOrEqual(256);
    expect(kept?.text?.startsWith('{"items":[{"n":0,"label":"item 0"}')).toBe(true);
    expect(kept?.truncated).toBe(true);
  });

  test('When a huge base64 string is the body, then what is kept is still bodyBytes long', () => {
    const upload = { file: 'QUJD'.repeat(2_000_000), filename: 'chat.txt' };

    const kept = snapshotBody({ value: upload }, 128);

    expect(Buffer.byteLength(kept?.text ?? '')).toBeLessThanOrEqual(128);
    expect(kept?.truncated).toBe(true);
  });

  test('When a phone number straddles the cut, then no run of its digits survives', () => {
    const text = `${'x'.repeat(95)} +1 222 333 4444 and more`;

    const kept = snapshotBody({ value: text }, 100);

    expect(kept?.text).not.toMatch(/\d{2}/);
    expect(kept?.truncated).toBe(true);
  });

  test.each([
    ['plain ascii', 'abcdef', 4, 'abcd'],
    ['a multi-byte character at the cut', 'aé€', 4, 'aé'],
    ['text that fits', 'Zoë', 10, 'Zoë'],
  ])('When %s is cut in bytes, then no character is broken', (_what, text, max, expected) => {
    expect(cutToBytes(text, max).text).toBe(expected);
  });
});

describe('Journal headers and URLs', () => {
  test('When headers carry credentials, then the usual ones and the configured names are hidden', () => {
    const masked = maskHeaders(
      {
        authorization: 'Basic abc',
        cookie: 'sid=1',
        'x-api-key': 'k',
        'x-tenant-credential': 'c',
        'x-shop-auth': 'custom',
        'content-type': 'application/json',
      },
      new Set(['x-shop-auth']),
    );

    expect(masked).toEqual({
      authorization: '[secret]',
      cookie: '[secret]',
      'x-api-key': '[secret]',
      'x-tenant-credential': '[secret]',
      'x-shop-auth': '[secret]',
      'content-type': 'application/json',
    });
  });

  test('When a URL carries a phone, an email, a token and user info, then none of them is shown', () => {
    const url =
      'https://ada:pw@crm.example.com/api/accounts?phone=%2B1%20222%20333%204444&email=ada%40example.com&access_token=t0k3n';

    expect(maskUrl(url)).toBe(
      'https://crm.example.com/api/accounts?phone=***44&email=a***@example.com&access_token=[secret]',
    );
  });
});
