import { authorizationTarget, redirectWith } from '../../src/oauth/authorization-request';
import { clientRegistry } from '../../src/oauth/oauth-clients';
import { ssoCallbackUrl } from '../../src/oauth/sso/sso-routes';
import { staffNameFrom } from '../../src/oauth/sso/sso-strategy';
import { client } from './oauth-helpers';

describe('Client registry', () => {
  const clients = clientRegistry([
    client({ clientId: 'ccaip', clientSecret: 'a+b/c d', redirectUris: ['https://x.example/cb'] }),
  ]);

  test('When the secret is right, raw or form-encoded as RFC 6749 §2.3.1 asks, then the client is found', () => {
    expect(clients.authenticate('ccaip', 'a+b/c d')?.id).toBe('ccaip');
    expect(clients.authenticate('ccaip', 'a%2Bb%2Fc+d')?.id).toBe('ccaip');
  });

  test('When the secret is wrong, empty or only a prefix, then nothing is found', () => {
    for (const secret of ['', 'a+b', 'a+b/c d ', 'A+B/C D']) {
      expect(clients.authenticate('ccaip', secret)).toBeUndefined();
    }
    expect(clients.authenticate('nobody', 'a+b/c d')).toBeUndefined();
  });
});

describe('Authorization target', () => {
  const clients = clientRegistry([
    client({ clientId: 'one', clientSecret: 's', redirectUris: ['https://x.example/cb'] }),
    client({
      clientId: 'two',
      clientSecret: 's',
      redirectUris: ['https://x.example/a', 'https://x.example/b'],
    }),
  ]);

  test('When redirect_uri is left out and two are registered, then the request is refused, not guessed', () => {
    expect(authorizationTarget({ client_id: 'two' }, clients)).toEqual({
      ok: false,
      message: expect.stringContaining('no redirect URI'),
    });
    expect(authorizationTarget({ client_id: 'one' }, clients)).toEqual(
      expect.objectContaining({ ok: true, redirectUri: 'https://x.example/cb' }),
    );
  });

  test('When client_id is repeated, then it counts as missing', () => {
    expect(authorizationTarget({ client_id: ['one', 'two'] }, clients).ok).toBe(false);
  });
});

describe('redirectWith', () => {
  test('When the registered URI has a query, then ours is appended and its own kept byte for byte', () => {
    expect(redirectWith('https://x.example/cb?a=%7e&b', { code: 'c d', state: undefined })).toBe(
      'https://x.example/cb?a=%7e&b&code=c+d',
    );
    expect(redirectWith('https://x.example/cb', { error: 'access_denied', state: 's&t' })).toBe(
      'https://x.example/cb?error=access_denied&state=s%26t',
    );
  });
});

describe('SSO helpers', () => {
  test('When the provider names the user, then preferred_username wins over email over sub', () => {
    expect(staffNameFrom({ preferred_username: 'ann', email: 'a@x', sub: '1' })).toBe('ann');
    expect(staffNameFrom({ preferred_username: ' ', email: 'a@x', sub: '1' })).toBe('a@x');
    expect(staffNameFrom({ sub: 42 })).toBe('42');
    expect(staffNameFrom({ name: 'Ann' })).toBeUndefined();
  });

  test('When no callbackUrl is configured, then it follows publicUrl, else stays relative', () => {
    const sso = {
      authorizationUrl: 'https://idp.example/auth',
      tokenUrl: 'https://idp.example/token',
      userInfoUrl: 'https://idp.example/me',
      clientId: 'c',
      clientSecret: 's',
      scope: '',
    };
    expect(ssoCallbackUrl(sso, 'https://crm.example.com/')).toBe(
      'https://crm.example.com/login/sso/callback',
    );
    expect(ssoCallbackUrl(sso, undefined)).toBe('/login/sso/callback');
    expect(ssoCallbackUrl({ ...sso, callbackUrl: 'https://a.example/cb' }, undefined)).toBe(
      'https://a.example/cb',
    );
  });
});
