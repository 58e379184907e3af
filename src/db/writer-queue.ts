/**
 * One holder at a time of a connection's transaction, for async work: better-sqlite3 runs each
 * statement synchronously, but an async transaction spans ticks, and another caller's BEGIN
 * between them would land inside it (its author warns against exactly this,
 * WiseLibs/better-sqlite3#319). Callers queue here in arrival order.
 */
export class TransactionQueue {
  private tail: Promise<void> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.then(() => undefined, () => undefined);
    return result;
  }
}
