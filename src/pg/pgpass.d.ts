/** The `pgpass` module (node-postgres's ~/.pgpass reader) ships no types. */
declare module 'pgpass' {
  interface PgPassConnection {
    host?: string;
    port?: number | string;
    database?: string;
    user?: string;
  }
  /** Calls back with the password of the first ~/.pgpass (or PGPASSFILE) line that matches, or undefined. */
  export default function pgpass(connection: PgPassConnection, callback: (password: string | undefined) => void): void;
}
