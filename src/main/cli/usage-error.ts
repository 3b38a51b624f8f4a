import { cliWords, type CliWords } from './i18n/cli-i18n.ts';

/** What a usage error says: the CLI's words, chosen once the language is known, or words that are not the CLI's own (node's, the core's). */
export type UsageWords = string | ((t: CliWords) => string);

const ENGLISH = cliWords({});

/** A command line that does not fit the command's usage: exit 2, and nothing was done. */
export class UsageError extends Error {
  readonly #words: UsageWords;

  constructor(words: UsageWords) {
    super(typeof words === 'string' ? words : words(ENGLISH));
    this.name = 'UsageError';
    this.#words = words;
  }

  /** The message in the language of `t`. */
  say(t: CliWords): string {
    return typeof this.#words === 'string' ? this.#words : this.#words(t);
  }
}
