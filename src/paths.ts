import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

type Env = Record<string, string | undefined>;

/** An XDG base directory variable, or undefined: the spec says to ignore a relative path. */
function xdg(value: string | undefined): string | undefined {
  return value && isAbsolute(value) ? value : undefined;
}

/** `$XDG_DATA_HOME/tpt`, else `~/.local/share/tpt`: where the database lives. */
export function dataDir(env: Env): string {
  return join(xdg(env.XDG_DATA_HOME) ?? join(env.HOME || homedir(), '.local', 'share'), 'tpt');
}

/** `$XDG_CONFIG_HOME/tpt`, else `~/.config/tpt`: where the key lives, apart from the data. */
export function configDir(env: Env): string {
  return join(xdg(env.XDG_CONFIG_HOME) ?? join(env.HOME || homedir(), '.config'), 'tpt');
}

export const defaultDbPath = (env: Env) => join(dataDir(env), 'tpt.db');
export const defaultKeyPath = (env: Env) => join(configDir(env), 'key');
/** Where `tpt rekey` writes each new key file; none is ever replaced or deleted by tpt. */
export const keysDir = (env: Env) => join(configDir(env), 'keys');
export const demoDbPath = (env: Env) => join(dataDir(env), 'demo.db');
