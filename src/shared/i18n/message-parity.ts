import { flattenMessages, interpolationNames, pluralPart, type MessageTree } from './message-shape.ts';

/** Each message by its key without the plural form, with the forms it comes in ('' for a message without). */
function byBase(messages: MessageTree): Map<string, Map<string, string>> {
  const bases = new Map<string, Map<string, string>>();
  for (const [key, text] of flattenMessages(messages)) {
    const plural = pluralPart(key);
    const base = plural?.base ?? key;
    if (!bases.has(base)) bases.set(base, new Map());
    bases.get(base)!.set(plural?.form ?? '', text);
  }
  return bases;
}

const markup = (text: string) => [...new Set([...text.matchAll(/<\/?([a-z]+)>/g)].map((match) => match[0]))].sort().join(' ');
const names = (text: string) => interpolationNames(text).join(', ');

/**
 * Where a language's messages part from the reference language's, one line per difference (none
 * when they agree): a key missing or extra, a plural message not in exactly the forms the
 * language's Intl.PluralRules choose from, or a message that fills in other {{names}} or carries
 * other markup than the reference one.
 */
export function messageDifferences(reference: MessageTree, messages: MessageTree, language: string): string[] {
  const expected = byBase(reference);
  const actual = byBase(messages);
  const pluralForms = new Intl.PluralRules(language).resolvedOptions().pluralCategories.slice().sort().join(' ');
  const differences: string[] = [];
  for (const base of actual.keys()) if (!expected.has(base)) differences.push(`${base}: not in the reference`);
  for (const [base, referenceForms] of expected) {
    const own = actual.get(base);
    if (!own) {
      differences.push(`${base}: missing`);
      continue;
    }
    const forms = [...own.keys()].sort().join(' ');
    const wanted = referenceForms.has('') ? '' : pluralForms;
    if (forms !== wanted) differences.push(`${base}: forms "${forms}", not "${wanted}"`);
    const [referenceText = ''] = referenceForms.values();
    for (const [form, text] of [...referenceForms, ...own]) {
      if (names(text) !== names(referenceText)) differences.push(`${base}${form ? `_${form}` : ''}: fills in "${names(text)}", not "${names(referenceText)}"`);
      if (markup(text) !== markup(referenceText)) differences.push(`${base}${form ? `_${form}` : ''}: markup "${markup(text)}", not "${markup(referenceText)}"`);
    }
  }
  return differences;
}
