import { AppError } from '../../../shared/errors/app-error';
import { targetText } from './target-text';

/** The token URL refused to issue a token; `oauthError` is the RFC 6749 §5.2 code if it sent one. */
export class OAuthTokenError extends AppError {
  constructor(
    readonly tokenUrl: string,
    /** The token URL's HTTP status (`status` is the one crm-bridge answers with, 502). */
    readonly tokenStatus: number,
    readonly oauthError?: string,
    readonly description?: string,
  ) {
    super(502, 'downstream_auth_failed', describe(tokenUrl, tokenStatus, oauthError, description));
    this.name = 'OAuthTokenError';
  }
}

function describe(url: string, status: number, error?: string, description?: string): string {
  const reason = [error, description].filter(Boolean).join(': ');
  const said = reason ? ` ${reason}` : '';
  return `the OAuth token URL ${targetText(url)} answered ${status}${said}${hint(error)}`;
}

/** The two failures an admin can fix, spelled out: the message is all they see in simulate. */
function hint(error: string | undefined): string {
  if (error === 'invalid_grant') return ' (link again with "npx crm-bridge oauth link")';
  if (error === 'invalid_client') return ' (check clientId/clientSecret, or try clientAuth: body)';
  return '';
}
