/**
 * Waits for `work` until `deadline` fires, then rejects with `onTimeout()`. The work itself goes
 * on (a token refresh other callers share must not be cut short by one caller's deadline).
 */
export function beforeDeadline<T>(
  work: Promise<T>,
  deadline: AbortSignal,
  onTimeout: () => Error,
): Promise<T> {
  if (deadline.aborted) return Promise.reject(onTimeout());
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => reject(onTimeout());
    deadline.addEventListener('abort', abort, { once: true });
    work.then(
      (value) => {
        deadline.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        deadline.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}
