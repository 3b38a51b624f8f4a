import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { streamCommand } from '../../src/lib/run-command.ts';

describe('streamCommand', () => {
  test('hands over the whole output in pieces, and the exit code and stderr at the end', async () => {
    const pieces: string[] = [];
    const result = await streamCommand('sh', ['-c', 'seq 1 20000; echo done >&2; exit 3'], (text) => pieces.push(text));
    assert.equal(pieces.join(''), `${Array.from({ length: 20000 }, (_, index) => index + 1).join('\n')}\n`);
    assert.ok(pieces.length > 1, 'the output came in more than one piece');
    assert.deepEqual(result, { exitCode: 3, stderr: 'done\n' });
  });

  test('an error thrown by the reader stops the program and is the one rejected with', async () => {
    const startedMs = performance.now();
    const wrong = new Error('not in the shape');
    await assert.rejects(
      streamCommand('sh', ['-c', 'echo first; exec sleep 30'], () => {
        throw wrong;
      }),
      (error) => error === wrong,
    );
    assert.ok(performance.now() - startedMs < 10_000, 'the program was stopped, not waited for');
  });

  test('a program past its time limit is stopped, and one that cannot start rejects', async () => {
    await assert.rejects(streamCommand('sleep', ['30'], () => {}, { timeoutMs: 200 }), /did not finish within 200 ms/);
    await assert.rejects(streamCommand('/nonexistent/keyport-tool', [], () => {}), { code: 'ENOENT' });
  });
});
