/** Raised by a store adapter when an insert collides with an existing id or unique index. */
export class DuplicateKeyError extends Error {
  constructor(
    readonly collection: string,
    readonly key: string,
  ) {
    super(`${collection}: duplicate key ${key}`);
    this.name = 'DuplicateKeyError';
  }
}
