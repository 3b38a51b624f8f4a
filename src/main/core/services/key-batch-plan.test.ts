import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KeyportError } from '../../../shared/contract/errors.ts';
import { CREATE_MANY_MAX_NAMES } from '../../../shared/contract/key-batch.ts';
import { planKeyBatch } from './key-batch-plan.ts';

const refused = (problem: string, index: number) => (error: unknown) =>
  error instanceof KeyportError && error.code === 'bad-input' && error.facts.problem === problem && error.facts.index === index;

describe('checking a list of names before any is created', () => {
  test('new names are created in order, in NFC', () => {
    assert.deepEqual(planKeyBatch('alpha', ['bob', 'Zoe\u0308', 'carol'], ['alice'], false), { create: ['bob', 'Zoë', 'carol'], indexes: [0, 1, 2], skipped: [] });
  });

  test('a name that breaks the key-name rule is refused with its place in the list', () => {
    assert.throws(() => planKeyBatch('alpha', ['bob', 'bad\u202Ename'], [], false), refused('invalid', 1));
    assert.throws(() => planKeyBatch('alpha', ['bob', ''], [], false), refused('invalid', 1));
  });

  test('a name given twice, as the server compares names (NFC, any letter case), is refused', () => {
    assert.throws(
      () => planKeyBatch('alpha', ['Straße', 'bob', 'STRASSE'], [], false),
      (error: unknown) => refused('repeated', 2)(error) && (error as KeyportError).facts.firstIndex === 0,
    );
  });

  test('a name the server has is refused, or left out with skipExisting', () => {
    assert.throws(() => planKeyBatch('alpha', ['bob', 'ALICE'], ['alice'], false), refused('exists', 1));
    assert.deepEqual(planKeyBatch('alpha', ['ALICE', 'bob'], ['alice'], true), { create: ['bob'], indexes: [1], skipped: ['ALICE'] });
  });

  test(`1 to ${CREATE_MANY_MAX_NAMES} names`, () => {
    assert.throws(() => planKeyBatch('alpha', [], [], false), /give 1 to/);
    const tooMany = Array.from({ length: CREATE_MANY_MAX_NAMES + 1 }, (_, index) => `k${index}`);
    assert.throws(() => planKeyBatch('alpha', tooMany, [], false), /give 1 to/);
    assert.equal(planKeyBatch('alpha', tooMany.slice(1), [], false).create.length, CREATE_MANY_MAX_NAMES);
  });
});
