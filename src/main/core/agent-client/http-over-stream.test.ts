import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex, Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { isKeyportError } from '../../../shared/contract/errors.ts';
import { waitFor } from '../../../../test-support/wait.ts';
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

describe('httpOverStream with raw bytes', () => {
  const payload = randomBytes(3 * 1024 * 1024 + 17);
  const dir = mkdtempSync(join(tmpdir(), 'keyport-http-bytes-'));
  const server = createServer((request, response) => {
    if (request.url === '/upload') {
      const hash = createHash('sha256');
      const type = request.headers['content-type'];
      request.on('data', (chunk: Buffer) => hash.update(chunk));
      request.on('end', () => response.setHeader('content-type', 'application/json').end(JSON.stringify({ type, sha256: hash.digest('hex') })));
    } else if (request.url === '/slow-download') {
      response.setHeader('content-type', 'application/octet-stream');
      Readable.from(
        (async function* () {
          for (let at = 0; at < payload.length; at += 512 * 1024) {
            yield payload.subarray(at, at + 512 * 1024);
            await sleep(60);
          }
        })(),
      ).pipe(response);
    } else if (request.url === '/stalled-download') {
      response.setHeader('content-type', 'application/octet-stream');
      response.write(payload.subarray(0, 1000));
    } else if (request.url === '/download') {
      response.setHeader('content-type', 'application/octet-stream');
      Readable.from([payload.subarray(0, 1000), payload.subarray(1000)]).pipe(response);
    } else {
      response.statusCode = 404;
      response.setHeader('content-type', 'application/json').end(JSON.stringify({ status: 'error', detail: 'no such backup' }));
    }
  });
  const listening = new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const openStream = async () => connect(await listening, '127.0.0.1');

  test('a body stream goes out whole as application/octet-stream', async () => {
    const answer = await httpOverStream(openStream, { method: 'POST', path: '/upload', headers: {}, bodyStream: Readable.from([payload]), timeoutMs: 10_000 });
    assert.deepEqual(answer.body, { type: 'application/octet-stream', sha256: createHash('sha256').update(payload).digest('hex') });
  });

  test('an answer of raw bytes goes to the file, and a JSON answer is parsed with no file left', async () => {
    const file = join(dir, 'snapshot.db');
    const answer = await httpOverStream(openStream, { method: 'GET', path: '/download', headers: {}, saveAnswerTo: file, timeoutMs: 10_000 });
    assert.equal(answer.statusCode, 200);
    assert.equal(answer.body, undefined);
    assert.ok(readFileSync(file).equals(payload));

    const missing = join(dir, 'missing.db');
    const refused = await httpOverStream(openStream, { method: 'GET', path: '/nothing', headers: {}, saveAnswerTo: missing, timeoutMs: 10_000 });
    assert.equal(refused.statusCode, 404);
    assert.deepEqual(refused.body, { status: 'error', detail: 'no such backup' });
    assert.ok(!existsSync(missing));
  });

  test('a download that takes longer than the deadline in all arrives whole while its bytes keep coming; one that stalls fails and leaves no file', async () => {
    const file = join(dir, 'slow.db');
    // Seven pieces 60 ms apart: some 400 ms in all, against a deadline of 200 ms.
    const answer = await httpOverStream(openStream, { method: 'GET', path: '/slow-download', headers: {}, saveAnswerTo: file, timeoutMs: 200 });
    assert.equal(answer.statusCode, 200);
    assert.ok(readFileSync(file).equals(payload));

    const stalled = join(dir, 'stalled.db');
    await assert.rejects(
      httpOverStream(openStream, { method: 'GET', path: '/stalled-download', headers: {}, saveAnswerTo: stalled, timeoutMs: 200 }),
      (error: unknown) => isKeyportError(error) && error.facts.reason === 'timeout',
    );
    await waitFor('the partial file removed', () => (existsSync(stalled) ? undefined : true));
  });
});
