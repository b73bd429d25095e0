import { AppError } from '../../../shared/errors/app-error';
import { targetText } from './target-text';

/** The CRM did not answer completely within the configured timeout (504 in middleware mode). */
export class DownstreamTimeoutError extends AppError {
  constructor(
    readonly endpoint: string,
    readonly url: string,
    readonly timeoutSeconds: number,
  ) {
    super(
      504,
      'downstream_timeout',
      `${endpoint}: no complete response from ${targetText(url)} within ${timeoutSeconds} s`,
    );
    this.name = 'DownstreamTimeoutError';
  }
}
