import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { isKeyportError } from '../../../shared/contract/errors.ts';
import { httpOverStream } from './http-over-stream.ts';

/** A stream that takes every byte and never answers. */
function silentStream(): Duplex {
  return new Duplex({
    read() {},
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
}

/** Runs `work` and collects every exception thrown outside a promise meanwhile (each would end the console). */
async function uncaughtDuring(work: () => Promise<void>): Promise<unknown[]> {
  const thrown: unknown[] = [];
  const onUncaught = (error: unknown) => thrown.push(error);
  process.on('uncaughtException', onUncaught);
  try {
    await work();
  } finally {
    process.off('uncaughtException', onUncaught);
  }
  return thrown;
}

describe('httpOverStream', () => {
  test('a header node:http refuses (an API key read with a greeting in it) fails the call, and no timer throws later', async () => {
    let opened = 0;
    const thrown = await uncaughtDuring(async () => {
      await assert.rejects(
        httpOverStream(async () => ((opened += 1), silentStream()), {
          method: 'GET',
          path: '/api/keys',
          headers: { 'x-api-key': 'Welcome to the server\nAbCd' },
          timeoutMs: 50,
        }),
        (error: unknown) => {
          assert.ok(isKeyportError(error), String(error));
          assert.equal(error.code, 'agent-error');
          assert.doesNotMatch(error.message, /AbCd/, 'the header value (a secret) is not in the message');
          return true;
        },
      );
      // Past the call's timeout: the timer must have been cleared, not left to fire.
      await sleep(150);
    });
    assert.deepEqual(thrown, []);
    assert.equal(opened, 0, 'no stream was opened for a request that could not be made');
  });

  test('a call that times out destroys its request and rejects once', async () => {
    const thrown = await uncaughtDuring(async () => {
      await assert.rejects(
        httpOverStream(async () => silentStream(), { method: 'GET', path: '/api/keys', headers: {}, timeoutMs: 50 }),
        (error: unknown) => isKeyportError(error) && error.code === 'agent-error' && /did not answer/.test(error.message),
      );
      await sleep(100);
    });
    assert.deepEqual(thrown, []);
  });

  test('a stream that cannot be opened fails the call with the opener\'s error, and nothing throws later', async () => {
    const thrown = await uncaughtDuring(async () => {
      await assert.rejects(
        httpOverStream(() => Promise.reject(new Error('no channel')), { method: 'POST', path: '/api/keys', headers: {}, body: { name: 'x' }, timeoutMs: 50 }),
        /no channel/,
      );
      await sleep(100);
    });
    assert.deepEqual(thrown, []);
  });
});
