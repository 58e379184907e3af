import { existsSync } from 'node:fs';
import { lookUpIds } from '../context.js';
import { defaultDbPath, defaultKeyPath } from '../paths.js';
import { ID_KINDS, type IdKind } from './id-kinds.js';
import { localDateTimeString } from '../core/time.js';

type Env = Record<string, string | undefined>;

/** Enough for any menu; a longer list means the user should type a few more characters. */
const MOST = 500;

/**
 * `tpt __complete <kind> [--describe] [--db P] [--key-file K] [-- prefix]`: the ids the completion scripts
 * offer, one a line, from the database in use. It never prompts, writes nothing and keeps no audit
 * entry (an id is all it shows, to the person holding the key); any problem (no database, no key at
 * hand, a wrong key) prints nothing and exits 0, so a TAB never prints an error into the command line.
 * The lookup is the store's (src/store/open-ids.ts): a PostgreSQL database (--database,
 * TPT_DATABASE_URL) offers no ids there, since a TAB never waits on a network.
 */
export async function completeIds(args: string[], env: Env): Promise<string> {
  try {
    const request = parse(args);
    if (!request) return '';
    const url = request.database ?? env.TPT_DATABASE_URL ?? '';
    const location = url !== '' ? url : request.db ?? env.TPT_DB ?? defaultDbPath(env);
    if (url === '' && !existsSync(location)) return '';
    const key = keyAtHand(request.keyFile ?? env.TPT_KEY_FILE, env);
    if (!key) return '';
    const found = await lookUpIds(location, key, request.kind, request.prefix, MOST);
    return found.map(({ id, client, at }) => (request.describe ? `${id}${hint(client, at)}\n` : `${id}\n`)).join('');
  } catch {
    return '';
  }
}

/**
 * With --describe (zsh and fish show it beside the id): whose record it is and its local date, so
 * that `ses_7k2m9qxa` reads as "c42, 2026-12-01 10:00". No text of a note: completion keeps no
 * audit entry, so it shows no more than the ids and dates a listing's first columns would.
 */
function hint(client: string | null, at: string | null): string {
  const parts = [client, at === null ? null : /^\d{4}-\d{2}-\d{2}$/.test(at) ? at : localDateTimeString(new Date(at))].filter(Boolean);
  return parts.length === 0 ? '' : `\t${parts.join(', ')}`;
}

interface Request {
  kind: IdKind;
  db?: string;
  database?: string;
  keyFile?: string;
  prefix: string;
  describe: boolean;
}

function parse(args: string[]): Request | undefined {
  const [kind, ...rest] = args;
  if (!ID_KINDS.includes(kind as IdKind)) return undefined;
  const request: Request = { kind: kind as IdKind, prefix: '', describe: false };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--') {
      request.prefix = rest[i + 1] ?? '';
      break;
    }
    if (arg === '--describe') {
      request.describe = true;
      continue;
    }
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = inline ?? rest[++i];
    if (name === '--db') request.db = value;
    else if (name === '--database') request.database = value;
    else if (name === '--key-file') request.keyFile = value;
  }
  return request;
}

/** The key in the order of SPEC §4, without the prompt: nothing when none is at hand. */
function keyAtHand(keyFile: string | undefined, env: Env): { keyFile: string } | { passphrase: string } | undefined {
  if (keyFile) return { keyFile };
  if (env.TPT_PASSPHRASE) return { passphrase: env.TPT_PASSPHRASE };
  const defaultPath = defaultKeyPath(env);
  return existsSync(defaultPath) ? { keyFile: defaultPath } : undefined;
}
