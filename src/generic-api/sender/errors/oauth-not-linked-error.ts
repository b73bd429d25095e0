import { AppError } from '../../../shared/errors/app-error';
import { targetText } from './target-text';

/** The authorization-code grant needs a refresh token that `oauth link` has not stored yet. */
export class OAuthNotLinkedError extends AppError {
  constructor(
    readonly tokenUrl: string,
    readonly clientId: string,
  ) {
    super(
      502,
      'downstream_not_linked',
      `no usable OAuth token for client ${clientId} at ${targetText(tokenUrl)}: ` +
        'run "npx crm-bridge oauth link" to authorize crm-bridge',
    );
    this.name = 'OAuthNotLinkedError';
  }
}
