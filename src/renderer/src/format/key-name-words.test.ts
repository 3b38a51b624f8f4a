import assert from 'node:assert/strict';
import { test } from 'node:test';
import { i18n } from '../i18n/i18n.ts';
import { keyNameError } from './key-name-words.ts';

const keys = [
  { id: 'k1', name: 'laptop-anna' },
  { id: 'k2', name: 'Straße' },
];

test('a name the agent takes, or the key’s own name in another case, may be sent', () => {
  assert.equal(keyNameError('Мама 📱', 'k1', keys), null);
  assert.equal(keyNameError('LAPTOP-ANNA', 'k1', keys), null);
});

test('a name another key has, as the agent compares names (NFC, without case), names that key', () => {
  assert.equal(keyNameError('STRASSE', 'k1', keys), 'Another key on this server is already named “Straße”. Names must differ in more than letter case: choose another one.');
});

test('each part of the rule is said in words, with the character or the counts it is about', () => {
  assert.equal(keyNameError('', 'k1', keys), 'A key needs a name.');
  assert.equal(keyNameError('a'.repeat(101), 'k1', keys), 'A name has at most 100 characters; this one has 101.');
  assert.equal(keyNameError(`a${'\u0301'.repeat(1001)}`, 'k1', keys), 'Too many accents stacked on the letters: 1,001 code points, at most 1,000.');
  assert.equal(keyNameError('a\u202Eb', 'k1', keys), 'The name holds U+202E, a character that reorders the text around it, so one name could pose as another.');
  assert.equal(keyNameError('a\u200Bb', 'k1', keys), 'The name holds U+200B, a control or invisible character.');
  assert.equal(keyNameError('a\u{E0041}b', 'k1', keys), 'The name holds an invisible tag character outside a flag emoji.');
  assert.equal(keyNameError('a\u00A0', 'k1', keys), 'The name may not start or end with a space.');
});

test('in Russian too', async () => {
  await i18n.changeLanguage('ru');
  try {
    assert.equal(keyNameError('a'.repeat(101), 'k1', keys), 'В имени не больше 100 символов, а в этом — 101.');
    assert.equal(keyNameError('a\u200Bb', 'k1', keys), 'В имени есть U+200B — управляющий или невидимый символ.');
    assert.equal(keyNameError(' a', 'k1', keys), 'Имя не может начинаться или заканчиваться пробелом.');
  } finally {
    await i18n.changeLanguage('en');
  }
});
