import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { ApiKey } from '../../shared/contract/api-types.ts';
import { KeyportError } from '../../shared/contract/errors.ts';
import type { CreateManyOptions, CreateManyProgress } from '../../shared/contract/key-batch.ts';
import { fakeCore } from './testing/fake-core.ts';
import { ALICE } from './testing/fixtures.ts';
import { runInProcess } from './testing/run-in-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'keyport-create-many-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A core whose createMany makes a key per name from port 20001, reporting progress per 2 names. */
function creatingCore(seen: { names?: string[]; options?: CreateManyOptions }) {
  return fakeCore({
    keys: {
      createMany: async (_server: string, names: string[], options?: CreateManyOptions, onProgress?: (progress: CreateManyProgress) => void) => {
        seen.names = names;
        seen.options = options;
        const created: ApiKey[] = names.map((name, index) => ({ ...ALICE, id: `id-${index}`, name, port: 20001 + index }));
        for (let done = 0; done <= names.length; done += 2) onProgress?.({ created: Math.min(done, names.length), total: names.length });
        return { created, skipped: [] };
      },
    },
  });
}

describe('keys create-many', () => {
  test('reads a CSV file, creates its names in order, and shows progress and a summary', async () => {
    const file = join(dir, 'people.csv');
    writeFileSync(file, 'email;name\r\na@example.com;Anna\r\nb@example.com;Boris\r\nc@example.com;"Clara; Jr"\r\n');
    const seen: { names?: string[]; options?: CreateManyOptions } = {};
    const { core } = creatingCore(seen);
    const result = await runInProcess(['keys', 'create-many', 'alpha', '--from', file], { core });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(seen.names, ['Anna', 'Boris', 'Clara; Jr']);
    assert.deepEqual(seen.options, { skipExisting: false });
    assert.equal(result.stderr, `[${'-'.repeat(30)}] 0/3 keys\n[${'#'.repeat(20)}${'-'.repeat(10)}] 2/3 keys\n`);
    assert.match(result.stdout, /^Created 3 keys on alpha \(ports 20001-20003\)\.\n/);
  });

  test('reads names from stdin with -, passes --skip-existing, and --json answers the result', async () => {
    const seen: { names?: string[]; options?: CreateManyOptions } = {};
    const { core } = creatingCore(seen);
    const result = await runInProcess(['keys', 'create-many', 'alpha', '-', '--skip-existing', '--json'], { core, stdin: 'one\ntwo\n' });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(seen.names, ['one', 'two']);
    assert.deepEqual(seen.options, { skipExisting: true });
    assert.deepEqual(JSON.parse(result.stdout).created.map((key: ApiKey) => key.name), ['one', 'two']);
    assert.deepEqual(result.stderr.trim().split('\n').map((line) => JSON.parse(line) as unknown), [{ created: 0, total: 2 }, { created: 2, total: 2 }]);
  });

  test("a refused name is told with its file's line", async () => {
    const file = join(dir, 'names.txt');
    writeFileSync(file, 'anna\n\nboris\n');
    const { core } = fakeCore({
      keys: {
        createMany: async () => {
          throw new KeyportError('bad-input', 'name 2 of 2 ("boris"): alpha has a key with this name already; nothing was created', { index: 1, problem: 'exists' });
        },
      },
    });
    const result = await runInProcess(['keys', 'create-many', 'alpha', '--from', file], { core });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^keyport: .*names\.txt, line 3: name 2 of 2 \("boris"\): .*nothing was created\n/);
  });

  test('usage: exactly one source; an empty or unreadable file is refused before the core is asked', async () => {
    for (const argv of [['keys', 'create-many', 'alpha'], ['keys', 'create-many', 'alpha', '--from', 'x', '-'], ['keys', 'create-many', 'alpha', 'names.txt']]) {
      const result = await runInProcess(argv);
      assert.equal(result.code, 2, `${argv.join(' ')}: ${result.stderr}`);
    }
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '\n\n');
    const { core, calls } = fakeCore();
    for (const file of [empty, join(dir, 'missing.txt')]) {
      const result = await runInProcess(['keys', 'create-many', 'alpha', '--from', file], { core });
      assert.equal(result.code, 1, result.stderr);
    }
    assert.ok(!calls.includes('keys.createMany'), calls.join(','));
  });
});
