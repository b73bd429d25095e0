import { AppError } from '../../../shared/errors/app-error';
import { targetText } from './target-text';

/** No HTTP response at all: refused, unresolvable, reset, TLS failure (`cause` is Node's code). */
export class DownstreamNetworkError extends AppError {
  constructor(
    readonly endpoint: string,
    readonly url: string,
    /** e.g. `ECONNREFUSED`, `ENOTFOUND`, `ECONNRESET`, `CERT_HAS_EXPIRED`. */
    readonly causeCode: string,
    readonly detail?: string,
  ) {
    super(
      502,
      'downstream_unreachable',
      `${endpoint}: cannot reach ${targetText(url)} (${causeCode}${detail ? `: ${detail}` : ''})`,
    );
    this.name = 'DownstreamNetworkError';
  }
}
