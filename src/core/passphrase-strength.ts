import { InputError } from './errors.js';

/**
 * zxcvbn's own top score, "very unguessable" (10^10 guesses or more). A stolen database file can
 * be attacked offline at leisure, and it holds health records: nothing less will do.
 */
const REQUIRED_SCORE = 4;

/**
 * Refuses a passphrase too weak to lock health records, with the estimator's reason. Judged by
 * zxcvbn-ts (dictionaries of common passwords, names and words; keyboard patterns, dates,
 * repeats, l33t), loaded only when a new passphrase is set. `context` holds words an attacker
 * would try first (the program's name, the database's name, the user's).
 */
export async function refuseWeakPassphrase(passphrase: string, context: string[]): Promise<void> {
  const { ZxcvbnFactory } = commonJs(await import('@zxcvbn-ts/core'));
  const common = commonJs(await import('@zxcvbn-ts/language-common'));
  const english = commonJs(await import('@zxcvbn-ts/language-en'));
  if (!ZxcvbnFactory || !common.dictionary || !english.dictionary) throw new Error('the strength estimator did not load');
  const zxcvbn = new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
  });
  const result = zxcvbn.check(passphrase, context);
  if (result.score >= REQUIRED_SCORE) return;
  const why = [result.feedback.warning, ...result.feedback.suggestions]
    .filter((text): text is string => typeof text === 'string' && text !== '')
    .map((text) => text.replace(/\.$/, '').replace(/^./, (first) => first.toLowerCase()));
  throw new InputError(
    'the passphrase is too weak to protect health records (an attacker with a stolen copy could guess it in ' +
    `${result.crackTimes.offlineSlowHashingXPerSecond.display} at 10,000 guesses a second; strength ${result.score} of 4, 4 needed` +
    `${why.length > 0 ? `; ${why.join('; ')}` : ''}): choose a longer one, such as four or more unrelated words; nothing changed`,
  );
}

/**
 * The zxcvbn-ts packages are CommonJS: imported by Node their exports sit on `default`, in the
 * bundle too; read them there when it is present.
 */
function commonJs<T extends object>(namespace: T): T {
  const inner = (namespace as { default?: T }).default;
  return inner && typeof inner === 'object' ? inner : namespace;
}
