import { AppError } from '../../../shared/errors/app-error';
import { targetText } from './target-text';

/** A body over the sender's limit: refused before sending, or cut off while receiving. */
export class DownstreamTooLargeError extends AppError {
  constructor(
    readonly endpoint: string,
    readonly url: string,
    readonly direction: 'request' | 'response',
    readonly limitBytes: number,
  ) {
    super(
      502,
      'downstream_too_large',
      `${endpoint}: the ${direction} body ${direction === 'request' ? 'to' : 'from'} ` +
        `${targetText(url)} is larger than the limit of ${limitBytes} bytes`,
    );
    this.name = 'DownstreamTooLargeError';
  }
}
