import { maskText, maskValue } from '../../src/shared/log/mask';

describe('Log masking', () => {
  test.each([
    ['call from +1 222 333 4444 today', 'call from ***44 today'],
    ['search *222*333*4444', 'search ***44'],
    ['phone (222) 333-4444.', 'phone ***44.'],
    ['mail james.bond@mi6.co.uk now', 'mail j***@mi6.co.uk now'],
  ])('When a message holds personal data (%s), then it is masked', (input, expected) => {
    expect(maskText(input)).toBe(expected);
  });

  test('When text holds ids, dates and short numbers, then they are left alone', () => {
    const text =
      'record 0mwr4apey00002jtsv7un at 2026-11-22T00:47:29.578Z took 12.5 ms, status 404';
    expect(maskText(text)).toBe(text);
  });

  test('When metadata has secret-looking keys, then their values are never written', () => {
    expect(
      maskValue({
        password: 'p',
        apiKey: 'k',
        nested: { Authorization: 'Basic x', client_secret: 's' },
        ok: 1,
      }),
    ).toEqual({
      password: '[secret]',
      apiKey: '[secret]',
      nested: { Authorization: '[secret]', client_secret: '[secret]' },
      ok: 1,
    });
  });

  test('When metadata nests deeper than masking goes, then the deep part is left out, not written as it is', () => {
    let deep: Record<string, unknown> = { password: 'p', phone: '+12223334444' };
    for (let level = 0; level < 10; level++) deep = { inner: deep };

    const written = JSON.stringify(maskValue({ deep }));
    expect(written).toContain('[too deep]');
    expect(written).not.toMatch(/"p"|2223334444/);
  });

  test('When metadata holds a Date or an Error, then they are written readably, the message masked', () => {
    const at = new Date('2026-12-08T04:00:00Z');

    expect(
      JSON.parse(JSON.stringify(maskValue({ at, error: new TypeError('no +12223334444') }))),
    ).toEqual({
      at: '2026-12-08T04:00:00.000Z',
      error: { name: 'TypeError', message: 'no ***44' },
    });
  });

  test('When metadata holds phones and emails in arrays, then they are masked too', () => {
    expect(maskValue({ to: ['a.b@example.com'], phone: '+12223334444' })).toEqual({
      to: ['a***@example.com'],
      phone: '***44',
    });
  });
});
