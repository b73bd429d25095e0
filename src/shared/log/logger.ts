import winston from 'winston';
import { currentRequestId } from './request-context';
import { maskValue, maskText } from './mask';

export type LogLevel =
  'error' | 'warn' | 'info' | 'http' | 'verbose' | 'debug' | 'silly' | 'silent';

const withRequestId = winston.format((info) => {
  const requestId = currentRequestId();
  if (requestId !== undefined && info.requestId === undefined) info.requestId = requestId;
  return info;
});

/** Personal data is masked everywhere except at debug level and below, where operators opt in. */
const masked = winston.format((info) => {
  if (info.level === 'debug' || info.level === 'silly') return info;
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'timestamp') continue;
    const value = info[key];
    info[key] = key === 'message' && typeof value === 'string' ? maskText(value) : maskValue(value);
  }
  return info;
});

export type Logger = winston.Logger;

export function createLogger(level: LogLevel = 'info'): Logger {
  return winston.createLogger({
    level: level === 'silent' ? 'error' : level,
    silent: level === 'silent',
    format: winston.format.combine(
      withRequestId(),
      masked(),
      winston.format.timestamp(),
      winston.format.json(),
    ),
    transports: [new winston.transports.Console()],
  });
}
