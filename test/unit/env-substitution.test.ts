import {
  envResolver,
  isSecretName,
  substituteVariables,
  type SecretSource,
} from '../../src/shared/config/env-substitution';

const substitute = (text: string, env: NodeJS.ProcessEnv, secrets?: SecretSource) =>
  substituteVariables(text, envResolver(env, secrets));

const fixedSecrets = (value: string): SecretSource & { asked: string[] } => {
  const asked: string[] = [];
  return {
    asked,
    obtain: (name) => {
      asked.push(name);
      return value;
    },
    known: () => undefined,
  };
};

describe('substituteVariables with the environment', () => {
  it('When a value is exactly ${NAME}, then it becomes the variable, as a string', () => {
    expect(substitute('${PORT}', { PORT: '8080' })).toEqual({ value: '8080', problems: [] });
  });

  it('When references sit inside text, then each is replaced in place', () => {
    const result = substitute('https://${HOST}:${PORT}/api', { HOST: 'crm.local', PORT: '443' });
    expect(result).toEqual({ value: 'https://crm.local:443/api', problems: [] });
  });

  it('When a variable is set, then its default is ignored', () => {
    expect(substitute('${USER_NAME:-ccaip}', { USER_NAME: 'bond' }).value).toBe('bond');
  });

  it('When a variable is unset, then ${NAME:-default} gives the default', () => {
    expect(substitute('${USER_NAME:-ccaip}', {}).value).toBe('ccaip');
  });

  it('When a variable is set but empty, then ${NAME:-default} gives the default, as the shell does', () => {
    expect(substitute('${USER_NAME:-ccaip}', { USER_NAME: '' }).value).toBe('ccaip');
  });

  it('When the default is empty, then an unset variable becomes the empty string', () => {
    expect(substitute('${OUTCOME_EMAIL_TO:-}', {})).toEqual({ value: '', problems: [] });
  });

  it('When a default holds colons and dashes, then it is kept whole', () => {
    expect(substitute('${URL:-http://a-b:80/x}', {}).value).toBe('http://a-b:80/x');
  });

  it('When a variable without default is unset, then the problem names it and the text stays', () => {
    expect(substitute('user ${API_USERNAME}', {})).toEqual({
      value: 'user ${API_USERNAME}',
      problems: ['${API_USERNAME} is not set'],
    });
  });

  it('When a non-secret variable is set to empty, then it is the empty string', () => {
    expect(substitute('${OUTCOME_EMAIL_TO}', { OUTCOME_EMAIL_TO: '' })).toEqual({
      value: '',
      problems: [],
    });
  });

  it('When several variables are unset, then each is a problem', () => {
    expect(substitute('${A}-${B}', {}).problems).toEqual(['${A} is not set', '${B} is not set']);
  });

  it('When $${ is written, then a literal ${ is kept and nothing is looked up', () => {
    expect(substitute('price $${AMOUNT} and ${CURRENCY}', { CURRENCY: 'EUR' })).toEqual({
      value: 'price ${AMOUNT} and EUR',
      problems: [],
    });
  });

  it('When text has a lone $ or braces, then it is left alone', () => {
    expect(substitute('costs $5 {ANI} $$ {x}', {})).toEqual({
      value: 'costs $5 {ANI} $$ {x}',
      problems: [],
    });
  });

  it('When a reference is not closed, then it is a problem that suggests the escape', () => {
    expect(substitute('a ${OPEN', {}).problems).toEqual([
      'unterminated "${" (write "$${" for a literal "${")',
    ]);
  });

  it('When a reference is malformed, then it is a problem that shows the expected forms', () => {
    expect(substitute('${NAME:default}', {}).problems).toEqual([
      '"${NAME:default}" is not a variable reference (expected ${NAME} or ${NAME:-default})',
    ]);
    expect(substitute('${}', {}).problems).toHaveLength(1);
    expect(substitute('${1ST}', {}).problems).toHaveLength(1);
  });
});

describe('secrets', () => {
  it.each(['API_PASSWORD', 'OAUTH_CLIENT_SECRET', 'API_KEY', 'GITHUB_TOKEN'])(
    'When a name ends like %s, then it is a secret',
    (name) => {
      expect(isSecretName(name)).toBe(true);
    },
  );

  it.each(['API_USERNAME', 'OUTCOME_EMAIL_TO', 'KEYRING', 'PASSWORD_HINT_URL'])(
    'When a name is %s, then it is not a secret',
    (name) => {
      expect(isSecretName(name)).toBe(false);
    },
  );

  it('When an unset secret has a secret source, then the source supplies it', () => {
    const secrets = fixedSecrets('s3cret');
    expect(substitute('${API_PASSWORD}', {}, secrets)).toEqual({ value: 's3cret', problems: [] });
    expect(secrets.asked).toEqual(['API_PASSWORD']);
  });

  it('When a secret is set but empty, then the source supplies it (a blank .env line is unset)', () => {
    expect(substitute('${API_KEY}', { API_KEY: '' }, fixedSecrets('k')).value).toBe('k');
  });

  it('When a secret is set, then the environment wins and the source is not asked', () => {
    const secrets = fixedSecrets('generated');
    expect(substitute('${API_KEY}', { API_KEY: 'from-env' }, secrets).value).toBe('from-env');
    expect(secrets.asked).toEqual([]);
  });

  it('When a secret has a default, then the default wins over the source', () => {
    expect(substitute('${API_KEY:-dev-key}', {}, fixedSecrets('generated')).value).toBe('dev-key');
  });

  it('When an unset secret has no source (production), then it is a problem naming it', () => {
    expect(substitute('${API_PASSWORD}', {}).problems).toEqual(['${API_PASSWORD} is not set']);
    expect(substitute('${API_PASSWORD}', { API_PASSWORD: '' }).problems).toEqual([
      '${API_PASSWORD} is not set',
    ]);
  });

  it('When a non-secret is unset, then a secret source does not hide the problem', () => {
    expect(substitute('${API_USERNAME}', {}, fixedSecrets('x')).problems).toEqual([
      '${API_USERNAME} is not set',
    ]);
  });
});
