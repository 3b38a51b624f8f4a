import assert from 'node:assert/strict';
import { test } from 'node:test';
import { messageDifferences } from './message-parity.ts';

const en = { a: 'Hello {{name}}', b: { keys_one: '{{count}} key', keys_other: '{{count}} keys' }, c: '<strong>{{x}}</strong> now' };

test('messages that agree with the reference have no differences', () => {
  const ru = { a: 'Привет, {{name}}', b: { keys_one: '{{count}} ключ', keys_few: '{{count}} ключа', keys_many: '{{count}} ключей', keys_other: '{{count}} ключа' }, c: '<strong>{{x}}</strong> сейчас' };
  assert.deepEqual(messageDifferences(en, ru, 'ru'), []);
});

test('a missing or extra key, a missing plural form, other names or other markup are each told', () => {
  const ru = { b: { keys_one: '{{count}} ключ', keys_many: '{{count}} ключей', keys_other: '{{count}} ключа' }, c: '{{y}} сейчас', d: 'лишний' };
  assert.deepEqual(messageDifferences(en, ru, 'ru'), [
    'd: not in the reference',
    'a: missing',
    'b.keys: forms "many one other", not "few many one other"',
    'c: fills in "y", not "x"',
    'c: markup "", not "</strong> <strong>"',
  ]);
});
