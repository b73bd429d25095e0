import { beforeDeadline, Deadline } from '../../../src/generic-api/sender/deadline';

describe('A send deadline', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('When its time is up, then it is aborted and each listener is told once', () => {
    const deadline = new Deadline(5000);
    const told: string[] = [];
    deadline.addEventListener('abort', () => told.push('first'));
    deadline.addEventListener('abort', () => told.push('second'));
    jest.advanceTimersByTime(4999);
    expect(deadline.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect(deadline.aborted).toBe(true);
    deadline.expire();
    expect(told).toEqual(['first', 'second']);
  });

  it('When a listener is removed, then it is not told', () => {
    const deadline = new Deadline(10);
    const listener = jest.fn();
    deadline.addEventListener('abort', listener);
    deadline.removeEventListener('abort', listener);
    jest.advanceTimersByTime(10);
    expect(deadline.aborted).toBe(true);
    expect(listener).not.toHaveBeenCalled();
  });

  it('When it is cleared, then it never aborts', () => {
    const deadline = new Deadline(10);
    const listener = jest.fn();
    deadline.addEventListener('abort', listener);
    deadline.clear();
    jest.advanceTimersByTime(60_000);
    expect(deadline.aborted).toBe(false);
    expect(listener).not.toHaveBeenCalled();
  });

  it('When work outlasts it, then beforeDeadline rejects with the timeout error', async () => {
    const deadline = new Deadline(100);
    const waiting = beforeDeadline(new Promise<never>(() => undefined), deadline, () => {
      return new Error('too late');
    });
    jest.advanceTimersByTime(100);
    await expect(waiting).rejects.toThrow('too late');
  });

  it('When work finishes first, then beforeDeadline resolves with it', async () => {
    const deadline = new Deadline(100);
    await expect(
      beforeDeadline(Promise.resolve('token'), deadline, () => new Error('late')),
    ).resolves.toBe('token');
    deadline.clear();
  });
});
