/**
 * The part of an AbortSignal that a send's deadline needs (axios's GenericAbortSignal): an
 * AbortSignal is one, and so is a Deadline.
 */
export interface DeadlineSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * Waits for `work` until `deadline` fires, then rejects with `onTimeout()`. The work itself goes
 * on (a token refresh other callers share must not be cut short by one caller's deadline).
 */
export function beforeDeadline<T>(
  work: Promise<T>,
  deadline: DeadlineSignal,
  onTimeout: () => Error,
): Promise<T> {
  if (deadline.aborted) return Promise.reject(onTimeout());
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => reject(onTimeout());
    deadline.addEventListener('abort', abort);
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

/**
 * One send's deadline: aborts after `ms` unless cleared first. Cheaper than what it replaces,
 * AbortSignal.timeout, on both counts that matter per request: its timer is cleared as soon as
 * the send is done (AbortSignal.timeout's stays armed for its whole span, so a busy sender would
 * keep thousands alive), and listening to it is an array push, not an EventTarget's bookkeeping.
 */
export class Deadline implements DeadlineSignal {
  private expired = false;
  private listeners: (() => void)[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(ms: number) {
    this.timer = setTimeout(expire, ms, this);
    // As with AbortSignal.timeout, a pending deadline alone does not keep the process alive.
    this.timer.unref();
  }

  get aborted(): boolean {
    return this.expired;
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    this.listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const at = this.listeners.indexOf(listener);
    if (at >= 0) this.listeners.splice(at, 1);
  }

  /** Stops the clock: call it once the send is over, whatever its outcome. */
  clear(): void {
    clearTimeout(this.timer);
  }

  /** Each listener is told once, like an AbortSignal's `once` listeners. */
  expire(): void {
    if (this.expired) return;
    this.expired = true;
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener();
  }
}

function expire(deadline: Deadline): void {
  deadline.expire();
}
