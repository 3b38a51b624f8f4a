import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorAction, isKeyportErrorCode } from './error-action.ts';

test('an offline server or a failed agent call offers to try again', () => {
  assert.equal(errorAction('server-offline', { server: 'alpha', unreachable: 'agent' }), 'retry');
  assert.equal(errorAction('agent-error', { reason: 'timeout' }), 'retry');
});

test('an unknown or changed host key offers the trust flow', () => {
  assert.equal(errorAction('host-key-unknown', { endpoint: 'alpha:22' }), 'trust-host-key');
  assert.equal(errorAction('host-key-changed', { expected: 'SHA256:a', presented: 'SHA256:b' }), 'trust-host-key');
});

test('an agent not deployed offers to deploy it', () => {
  assert.equal(errorAction('agent-not-deployed', { server: 'alpha' }), 'deploy');
});

test('a deploy lock another console holds offers to break it', () => {
  assert.equal(errorAction('deploy-locked', { owner: 'laptop', operation: 'deploy' }), 'break-lock');
});

test('a call the bridge refused for its arguments offers to reload the page; other bad input offers nothing', () => {
  assert.equal(errorAction('bad-input', { call: 'keys.create', argument: 1 }), 'reload');
  assert.equal(errorAction('bad-input', { missing: 'host' }), null);
});

test('failures fixed elsewhere offer no button', () => {
  for (const code of ['deploy-failed', 'not-found', 'auth-failed', 'sudo-password-required', 'secret-required', 'unsupported-server', 'name-taken', 'internal'] as const) {
    assert.equal(errorAction(code), null, code);
  }
  assert.equal(errorAction(undefined), null);
});

test('only the contract’s codes count as KeyportError codes', () => {
  assert.equal(isKeyportErrorCode('server-offline'), true);
  assert.equal(isKeyportErrorCode('ECONNREFUSED'), false);
  assert.equal(isKeyportErrorCode('toString'), false);
  assert.equal(isKeyportErrorCode(3), false);
});
