import type { ChalkInstance } from 'chalk';

/**
 * What chalk is at colour level 0, without loading chalk: every style, chained or not, gives its
 * arguments back as text, joined by spaces as chalk joins them. Loading chalk loads Node's tty
 * and net modules (its colour detection), which cost a command run into a pipe more than its
 * rendering; no colour is what a pipe, NO_COLOR and --no-color get.
 */
export function plainStyle(): ChalkInstance {
  const style: ChalkInstance = new Proxy(function plain() {}, {
    apply: (_target, _this, args: unknown[]) => args.join(' '),
    // Not a promise (`then`) nor anything else a symbol names, as chalk's instance is not.
    get: (_target, key) => (key === 'level' ? 0 : key === 'then' || typeof key === 'symbol' ? undefined : style),
  }) as unknown as ChalkInstance;
  return style;
}
