import assert from 'node:assert/strict';
import { test } from 'node:test';
import { messageDifferences } from '../../../shared/i18n/message-parity.ts';
import { LANGUAGE_CODES, LANGUAGES, REFERENCE_LANGUAGE } from './languages.ts';

for (const language of LANGUAGE_CODES.filter((code) => code !== REFERENCE_LANGUAGE)) {
  test(`the window's ${language} messages have ${REFERENCE_LANGUAGE}'s keys, their own plural forms, and the same names and markup in each`, () => {
    assert.deepEqual(messageDifferences(LANGUAGES[REFERENCE_LANGUAGE], LANGUAGES[language], language), []);
  });
}
