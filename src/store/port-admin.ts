/**
 * The store port's admin facet: filled in as core moves onto the port (issue 22). Every
 * operation is async and runs inside the transaction it is called on.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface AdminReads {}

// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface AdminWrites {}
