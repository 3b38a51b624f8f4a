import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OperationState } from '../state/operations-store.ts';
import { keyWriteError } from './key-write-error.ts';

test('a taken name names the key that has it, in that key’s spelling', () => {
  const operation: OperationState = { running: false, error: 'alpha already has a key named "Bob" (id k2)', errorCode: 'name-taken', errorFacts: { holderName: 'Bob' } };
  assert.equal(keyWriteError(operation, 'bob'), 'Another key on this server is already named “Bob”. Names must differ in more than letter case: choose another one.');
  assert.match(keyWriteError({ ...operation, errorFacts: { holderName: null } }, 'bob') ?? '', /already named “bob”/);
});

test('any other failure keeps the core’s words', () => {
  assert.equal(keyWriteError({ running: false, error: 'alpha is offline', errorCode: 'server-offline' }, 'x'), 'alpha is offline');
  assert.equal(keyWriteError({ running: false, error: null }, 'x'), null);
});
