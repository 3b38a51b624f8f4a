import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flattenMessages, interpolationNames, pluralPart, type MessageTree } from '../../../shared/i18n/message-shape.ts';
import { LANGUAGE_CODES, LANGUAGES, REFERENCE_LANGUAGE } from './languages.ts';

/** Each message by its key without the plural form, with the forms it comes in. */
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

const tags = (text: string) => [...new Set([...text.matchAll(/<\/?([a-z]+)>/g)].map((match) => match[0]))].sort();

const reference = byBase(LANGUAGES[REFERENCE_LANGUAGE]);

for (const language of LANGUAGE_CODES.filter((code) => code !== REFERENCE_LANGUAGE)) {
  const messages = byBase(LANGUAGES[language]);

  test(`${language} has exactly the keys of ${REFERENCE_LANGUAGE}`, () => {
    assert.deepEqual([...messages.keys()].sort(), [...reference.keys()].sort());
  });

  test(`${language} gives each plural message exactly the forms its plural rules choose from`, () => {
    const forms = new Intl.PluralRules(language).resolvedOptions().pluralCategories.slice().sort();
    for (const [base, referenceForms] of reference) {
      const own = [...(messages.get(base)?.keys() ?? [])].sort();
      assert.deepEqual(own, referenceForms.has('') ? [''] : forms, base);
    }
  });

  test(`${language} fills in the same names, and keeps the same markup, as ${REFERENCE_LANGUAGE} in every message`, () => {
    for (const [base, referenceForms] of reference) {
      const [referenceText = ''] = referenceForms.values();
      for (const [form, text] of messages.get(base) ?? []) {
        assert.deepEqual(interpolationNames(text), interpolationNames(referenceText), `${base} ${form}: ${text}`);
        assert.deepEqual(tags(text), tags(referenceText), `${base} ${form}: ${text}`);
      }
    }
  });
}

test(`${REFERENCE_LANGUAGE}'s own plural forms fill in the same names`, () => {
  for (const [base, forms] of reference) {
    const names = new Set([...forms.values()].map((text) => interpolationNames(text).join(',')));
    assert.equal(names.size, 1, base);
  }
});
