import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyPageGone } from './key-page-gone.ts';

test('a key the server answers not-found for, on any call about it, makes its page a page of nothing', () => {
  assert.equal(keyPageGone([{ errorCode: 'not-found', errorFacts: { httpStatus: 404 } }, undefined]), 'key');
  assert.equal(keyPageGone([undefined, { errorCode: null }, { errorCode: 'not-found', errorFacts: { httpStatus: 404 } }]), 'key');
});

test('a server this console no longer has is told apart, as the way back differs', () => {
  assert.equal(keyPageGone([{ errorCode: 'not-found', errorFacts: { httpStatus: 404 } }, { errorCode: 'not-found', errorFacts: { unknownServer: 'alpha' } }]), 'server');
});

test('an offline server, a failed call or calls still under way are not a gone key', () => {
  assert.equal(keyPageGone([]), null);
  assert.equal(keyPageGone([undefined, { errorCode: null, errorFacts: null }]), null);
  assert.equal(keyPageGone([{ errorCode: 'server-offline', errorFacts: { server: 'alpha' } }, { errorCode: 'agent-error' }]), null);
});
