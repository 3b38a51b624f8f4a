import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { rotateLog } from '../../src/lib/rotate-log.ts';

describe('rotateLog', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyport-rotate-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('leaves a log under the cap alone, and a missing one too', async () => {
    const path = join(dir, 'small.log');
    appendFileSync(path, 'x'.repeat(100));
    assert.equal(await rotateLog(path, 1000), false);
    assert.equal(readFileSync(path, 'utf8').length, 100);
    assert.equal(await rotateLog(join(dir, 'missing.log'), 1000), false);
  });

  test('moves a log over the cap to .1 and empties it in place, so a writer with O_APPEND goes on at the new end', async () => {
    const path = join(dir, 'xray.log');
    const writer = openSync(path, 'a');
    writeSync(writer, 'old line\n'.repeat(200));
    assert.equal(await rotateLog(path, 1000), true);
    assert.equal(readFileSync(`${path}.1`, 'utf8'), 'old line\n'.repeat(200));
    writeSync(writer, 'new line\n');
    closeSync(writer);
    assert.equal(readFileSync(path, 'utf8'), 'new line\n', 'no hole of zeros where the old content was');
  });
});
