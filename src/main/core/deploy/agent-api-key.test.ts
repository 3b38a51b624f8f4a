import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { isKeyportError } from '../../../shared/contract/errors.ts';
import { apiKeyFrom } from './agent-api-key.ts';

describe('apiKeyFrom: the agent API key read from the server is one, or a coded error', () => {
  test('a key as the agent and Keyport make it (32 bytes, base64url), with its newline, is taken', () => {
    const key = randomBytes(32).toString('base64url');
    assert.equal(apiKeyFrom(`${key}\n`), key);
  });

  for (const [what, text] of [
    ['with a greeting before it', `Welcome to the server\n${'A'.repeat(43)}\n`],
    ['too short', 'A'.repeat(42)],
    ['too long', 'A'.repeat(44)],
    ['base64 rather than base64url', `${'A'.repeat(42)}+`],
    ['empty', '\n'],
  ] as const) {
    test(`one ${what} is refused as agent-error, saying its length and never its content`, () => {
      assert.throws(() => apiKeyFrom(text, 'alpha'), (error: unknown) => {
        assert.ok(isKeyportError(error));
        assert.equal(error.code, 'agent-error');
        assert.equal(error.facts.reason, 'api-key-malformed');
        assert.equal(error.facts.server, 'alpha');
        assert.equal(error.facts.length, text.trim().length);
        assert.ok(!error.message.includes('AAAA') && !error.message.includes('Welcome'), error.message);
        assert.match(error.message, /43 base64url characters/);
        return true;
      });
    });
  }
});
