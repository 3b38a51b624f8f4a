/**
 * What every face's message files have in common (the window's and the CLI's): one file per
 * language, nested objects of strings, `{{name}}` for what is filled in, and i18next's plural keys
 * (`count_one`, `count_few`, `count_many`, `count_other`: the categories of Intl.PluralRules).
 */

/** The categories Intl.PluralRules answers with; each language uses some of them. */
export const PLURAL_FORMS = ['zero', 'one', 'two', 'few', 'many', 'other'] as const;
export type PluralForm = (typeof PLURAL_FORMS)[number];

/** A tree of messages as a message file holds it. */
export interface MessageTree {
  readonly [key: string]: string | MessageTree;
}

/**
 * The shape a language's file must have, made from the reference (English) file: the same keys,
 * each plural key in the forms `F` the language uses instead of English's `one`/`other`. A key
 * left out, or one too many, fails the type check.
 */
export type MessagesLike<T, F extends PluralForm> = {
  readonly [K in keyof T as K extends `${infer Base}_other` ? `${Base}_${F}` : K extends `${string}_${PluralForm}` ? never : K]: T[K] extends string
    ? string
    : MessagesLike<T[K], F>;
};

/** Every message by its dotted key (`keys.count_one`). */
export function flattenMessages(tree: MessageTree, prefix = ''): Map<string, string> {
  const flat = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') flat.set(path, value);
    else for (const [inner, text] of flattenMessages(value, path)) flat.set(inner, text);
  }
  return flat;
}

const PLURAL_SUFFIX = new RegExp(`_(${PLURAL_FORMS.join('|')})$`);

/** A plural key's base and form (`keys.count_few` → `keys.count`, `few`); null for any other key. */
export function pluralPart(key: string): { base: string; form: PluralForm } | null {
  const match = PLURAL_SUFFIX.exec(key);
  return match ? { base: key.slice(0, match.index), form: match[1] as PluralForm } : null;
}

/** The names a message fills in: `{{count, number}} of {{total}}` → count, total. */
export function interpolationNames(text: string): string[] {
  return [...new Set([...text.matchAll(/\{\{\s*([\w.-]+)\s*(?:,[^}]*)?\}\}/g)].map((match) => match[1]!))].sort();
}

/**
 * The language to start in: the one chosen before when there is one, else the first of the
 * system's preferred languages (`ru-RU` counts as `ru`) that there is a file for, else `fallback`.
 */
export function chooseLanguage<L extends string>(saved: string | null | undefined, preferred: readonly string[], supported: readonly L[], fallback: L): L {
  const known = (tag: string | null | undefined): L | undefined => {
    const primary = tag?.trim().toLowerCase().split(/[-_.@]/)[0];
    return supported.find((language) => language === primary);
  };
  return known(saved) ?? preferred.map(known).find((language) => language !== undefined) ?? fallback;
}
