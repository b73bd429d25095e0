import { readRuntimeEnv, runtimeMode } from '../../src/shared/config/runtime-env';

describe('runtimeMode', () => {
  it('When nothing is set, then the mode is embedded', () => {
    expect(runtimeMode({})).toBe('embedded');
  });

  it('When MONGODB_URI is set, then the mode is production', () => {
    expect(runtimeMode({ MONGODB_URI: 'mongodb://db/crm' })).toBe('production');
  });

  it('When NODE_ENV is production, then the mode is production', () => {
    expect(runtimeMode({ NODE_ENV: 'production' })).toBe('production');
  });

  it('When MONGODB_URI is blank, then it counts as unset', () => {
    expect(runtimeMode({ MONGODB_URI: '' })).toBe('embedded');
  });
});

describe('readRuntimeEnv', () => {
  it('When nothing is set, then the defaults of npm start apply', () => {
    expect(readRuntimeEnv({})).toEqual({
      ok: true,
      env: {
        mode: 'embedded',
        port: 3000,
        host: '0.0.0.0',
        configDir: './config',
        dataDir: './data',
        logLevel: 'info',
      },
    });
  });

  it('When every variable is set, then each is read with its type', () => {
    const result = readRuntimeEnv({
      PORT: '0',
      HOST: '127.0.0.1',
      CONFIG_DIR: '/etc/crm-bridge',
      DATA_DIR: '/var/lib/crm-bridge',
      MONGODB_URI: 'mongodb+srv://u:p@cluster/crm',
      REDIS_URL: 'redis://localhost:6379',
      SMTP_URL: 'smtps://mail:465',
      LOG_LEVEL: 'DEBUG',
      OUTCOME_EMAIL_DELAY_MS: '250',
      INBOUND_SMTP_PORT: '2525',
      SESSION_SECRET: 'cookie-secret',
    });
    expect(result).toEqual({
      ok: true,
      env: {
        mode: 'production',
        port: 0,
        host: '127.0.0.1',
        configDir: '/etc/crm-bridge',
        dataDir: '/var/lib/crm-bridge',
        mongodbUri: 'mongodb+srv://u:p@cluster/crm',
        redisUrl: 'redis://localhost:6379',
        smtpUrl: 'smtps://mail:465',
        logLevel: 'debug',
        outcomeEmailDelayMs: 250,
        inboundSmtpPort: 2525,
        sessionSecret: 'cookie-secret',
      },
    });
  });

  it('When several variables are invalid, then every one is named', () => {
    expect(
      readRuntimeEnv({
        PORT: '70000',
        INBOUND_SMTP_PORT: '25.5',
        OUTCOME_EMAIL_DELAY_MS: '-1',
        REDIS_URL: 'http://u:hunter2@localhost',
        LOG_LEVEL: 'loud',
      }),
    ).toEqual({
      ok: false,
      problems: [
        'PORT must be an integer from 0 to 65535, got "70000"',
        'REDIS_URL must be a URL starting with redis:// or rediss://',
        'LOG_LEVEL must be one of error, warn, info, http, verbose, debug, silly, silent, got "loud"',
        'OUTCOME_EMAIL_DELAY_MS must be an integer from 0 to 2147483647, got "-1"',
        'INBOUND_SMTP_PORT must be an integer from 0 to 65535, got "25.5"',
      ],
    });
  });
});
