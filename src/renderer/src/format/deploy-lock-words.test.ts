import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deployLockWords } from './deploy-lock-words.ts';

test('a lock held by another console names it, since when, and the command that breaks it', () => {
  assert.equal(
    deployLockWords({ owner: 'laptop-b', since: '2026-12-01T17:00:00Z', idleSeconds: 42, operation: 'deploy' }, 'vps1'),
    "Another deploy or uninstall holds this server's lock: the Keyport console on laptop-b since Dec 1, 2026, 5:00 PM UTC, last sign of life 42 s ago. " +
      'Break the lock only if no deploy is running there any more (say, that laptop went offline mid-deploy); from a terminal: keyport server deploy vps1 --break-lock',
  );
});

test('a lock whose record says nothing still says how to break it', () => {
  assert.match(deployLockWords({ owner: null, since: null, operation: 'uninstall' }, 'vps1'), /a Keyport console that did not say which\. .*keyport server uninstall vps1 --break-lock$/);
});
