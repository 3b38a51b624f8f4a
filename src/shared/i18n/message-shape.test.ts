import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseLanguage, flattenMessages, interpolationNames, pluralPart } from './message-shape.ts';

test('the start language is the one chosen before, else the first system language there is a file for', () => {
  assert.equal(chooseLanguage('ru', ['en-US'], ['en', 'ru'], 'en'), 'ru');
  assert.equal(chooseLanguage(null, ['de-DE', 'ru-RU', 'en'], ['en', 'ru'], 'en'), 'ru');
  assert.equal(chooseLanguage('fr', ['ru_RU.UTF-8'], ['en', 'ru'], 'en'), 'ru', 'a saved language without a file is passed over');
  assert.equal(chooseLanguage(undefined, ['de', 'fr'], ['en', 'ru'], 'en'), 'en');
  assert.equal(chooseLanguage(null, [], ['en', 'ru'], 'en'), 'en');
});

test('messages flatten to dotted keys; plural keys name their base and form', () => {
  assert.deepEqual([...flattenMessages({ a: 'x', b: { c_one: 'y', c_other: 'z' } })], [['a', 'x'], ['b.c_one', 'y'], ['b.c_other', 'z']]);
  assert.deepEqual(pluralPart('counts.keys_few'), { base: 'counts.keys', form: 'few' });
  assert.equal(pluralPart('limits.reset.no_reset'), null);
});

test('the names a message fills in, with or without a format', () => {
  assert.deepEqual(interpolationNames('{{count, number}} of {{total}} · {{ total }}'), ['count', 'total']);
  assert.deepEqual(interpolationNames('no names'), []);
});
