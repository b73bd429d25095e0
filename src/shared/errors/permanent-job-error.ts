/** Thrown by a job handler when retrying cannot help (the input is unusable): fail at once. */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}
