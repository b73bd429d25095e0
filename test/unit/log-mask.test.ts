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

  test('When metadata holds phones and emails in arrays, then they are masked too', () => {
    expect(maskValue({ to: ['a.b@example.com'], phone: '+12223334444' })).toEqual({
      to: ['a***@example.com'],
      phone: '***44',
    });
  });
});
