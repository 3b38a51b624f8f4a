import assert from 'node:assert/strict';
import { test } from 'node:test';
import { messageDifferences } from '../../../shared/i18n/message-parity.ts';
import { CLI_LANGUAGES, cliLanguage } from './cli-i18n.ts';

test("the CLI's ru messages have en's keys, their own plural forms, and the same names in each", () => {
  assert.deepEqual(messageDifferences(CLI_LANGUAGES.en, CLI_LANGUAGES.ru, 'ru'), []);
});

test('the CLI speaks the language of LC_ALL, else LC_MESSAGES, else LANG; C and unknown ones are English', () => {
  assert.equal(cliLanguage({ LANG: 'ru_RU.UTF-8' }), 'ru');
  assert.equal(cliLanguage({ LC_ALL: 'C', LANG: 'ru_RU.UTF-8' }), 'en', 'LC_ALL overrides LANG');
  assert.equal(cliLanguage({ LC_MESSAGES: 'ru_RU.UTF-8', LANG: 'en_US.UTF-8' }), 'ru');
  assert.equal(cliLanguage({ LC_ALL: '', LANG: 'ru' }), 'ru', 'an empty variable is unset');
  assert.equal(cliLanguage({ LANG: 'de_DE.UTF-8' }), 'en');
  assert.equal(cliLanguage({}), 'en');
});
