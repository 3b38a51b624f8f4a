import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { printable, unexpectedAnswer } from './remote-answer.ts';

describe('remote answers', () => {
  test('an unexpected answer is unsupported-server, with a short printable excerpt and what was expected', () => {
    const error = unexpectedAnswer('sha256sum /x', 'a SHA-256 of 64 hex digits', `Welcome\x1b[1m\n${'z'.repeat(200)}`);
    assert.equal(error.code, 'unsupported-server');
    assert.deepEqual(Object.keys(error.facts), ['expected', 'answer']);
    assert.ok(String(error.facts.answer).startsWith('Welcome?[1m?zz'));
    assert.equal(String(error.facts.answer).length, 81);
    assert.match(error.message, /^sha256sum \/x: the server answered "Welcome/);
  });

  test('printable keeps text and marks control characters', () => {
    assert.equal(printable('Debian GNU/Linux 12 (bookworm)'), 'Debian GNU/Linux 12 (bookworm)');
    assert.equal(printable('a\tb\u0085c'), 'a?b?c');
  });
});
