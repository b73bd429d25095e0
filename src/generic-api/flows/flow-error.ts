import { AppError } from '../../shared/errors/app-error';

/**
 * A Generic API step that did not give what the flow needs: a non-2xx answer, or no id at the
 * response location. The message names the endpoint, the status and the location.
 */
export class FlowError extends AppError {
  constructor(
    readonly endpoint: string,
    message: string,
    readonly downstreamStatus?: number,
  ) {
    super(502, 'downstream_failed', `${endpoint}: ${message}`, [{ field: endpoint, message }]);
    this.name = 'FlowError';
  }
}
