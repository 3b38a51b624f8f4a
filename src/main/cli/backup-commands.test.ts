import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { KeyportError } from '../../shared/contract/errors.ts';
import type { RestoreProgress, RestoreReport } from '../core/services/server-backup-service.ts';
import { runInProcess } from './testing/run-in-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'keyport-backup-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const passphraseFile = join(dir, 'passphrase');
writeFileSync(passphraseFile, 'correct horse battery staple\nignored second line\n');

const REPORT: RestoreReport = {
  keys_restored: 3,
  daily_rows_restored: 40,
  ports_moved: [{ key_id: 'k2', key_name: 'bob', old_port: 10002, new_port: 10004 }],
  xray: { at_ms: 0, method: 'restart', ok: true, detail: 'restarted' },
};

describe('server backup, restore and backups', () => {
  test('backup takes the passphrase from the first line of --passphrase-file and the daily backup by name', async () => {
    const seen: unknown[] = [];
    const result = await runInProcess(['server', 'backup', 'alpha', join(dir, 'a.kpbak'), '--daily', 'keyport-20261201T030405Z.db', '--passphrase-file', passphraseFile], {
      services: {
        backups: {
          backup: async (server, file, passphrase, options) => {
            seen.push(server, file, passphrase, options);
            return { file, sizeBytes: 1234, daily: options?.daily ?? null };
          },
        },
      },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(seen, ['alpha', join(dir, 'a.kpbak'), 'correct horse battery staple', { daily: 'keyport-20261201T030405Z.db' }]);
    assert.match(result.stdout, /daily backup keyport-20261201T030405Z\.db to .*a\.kpbak \(1234 bytes/);
    assert.ok(!result.stdout.includes('correct horse') && !result.stderr.includes('correct horse'));
  });

  test('without a terminal or --passphrase-file nothing is asked and nothing is called', async () => {
    const result = await runInProcess(['server', 'restore', 'alpha', join(dir, 'a.kpbak')], { services: {} });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /--passphrase-file/);
  });

  test('restore lists the keys that moved to another port, old and new', async () => {
    const result = await runInProcess(['server', 'restore', 'beta', join(dir, 'a.kpbak'), '--passphrase-file', passphraseFile], {
      services: { backups: { restore: async () => REPORT } },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Restored 3 key\(s\) and 40 day\(s\) of history onto beta\./);
    assert.match(result.stdout, /\nbob +k2 +10002 +10004\n/);
  });

  test('restore shows how far the upload got, each link lost and tried again, then the restore: lines on stderr, JSON lines with --json', async () => {
    const steps: RestoreProgress[] = [
      { stage: 'uploading', sentBytes: 0, totalBytes: 4 * 1024 * 1024 },
      { stage: 'uploading', sentBytes: 1024 * 1024, totalBytes: 4 * 1024 * 1024 },
      { stage: 'reconnecting', attempt: 1, attempts: 6, waitMs: 2000, sentBytes: 1024 * 1024, totalBytes: 4 * 1024 * 1024, reason: 'socket hang up' },
      { stage: 'uploading', sentBytes: 4 * 1024 * 1024, totalBytes: 4 * 1024 * 1024 },
      { stage: 'restoring', totalBytes: 4 * 1024 * 1024 },
    ];
    const restore = async (_server: string, _file: string, _passphrase: string, options?: { onProgress?: (progress: RestoreProgress) => void }) => {
      for (const step of steps) options?.onProgress?.(step);
      return REPORT;
    };
    const result = await runInProcess(['server', 'restore', 'beta', join(dir, 'a.kpbak'), '--passphrase-file', passphraseFile], { services: { backups: { restore } } });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stderr,
      '[------------------------------] 0 B of 4.00 MiB sent to beta\n' +
        '[########----------------------] 1.00 MiB of 4.00 MiB sent to beta\n' +
        'The link to beta failed (socket hang up); 1.00 MiB of 4.00 MiB are kept there. Trying again in 2 s (1 of 6).\n' +
        '[##############################] 4.00 MiB of 4.00 MiB sent to beta\n' +
        'Restoring on beta...\n',
    );
    const json = await runInProcess(['server', 'restore', 'beta', join(dir, 'a.kpbak'), '--passphrase-file', passphraseFile, '--json'], { services: { backups: { restore } } });
    assert.deepEqual(json.stderr.trim().split('\n').map((line) => JSON.parse(line)), steps);
  });

  test('a wrong passphrase says so and exits 1', async () => {
    const result = await runInProcess(['server', 'restore', 'beta', join(dir, 'a.kpbak'), '--passphrase-file', passphraseFile], {
      services: {
        backups: {
          restore: async () => {
            throw new KeyportError('backup-passphrase-wrong', 'the passphrase is not the one a.kpbak was written with; nothing was restored', { file: 'a.kpbak' });
          },
        },
      },
    });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /passphrase is not the one/);
  });

  test('backups lists the daily backups, newest first as the agent gives them', async () => {
    const result = await runInProcess(['server', 'backups', 'alpha'], {
      services: {
        backups: {
          dailyBackups: async () => [
            { name: 'keyport-20261202T030405Z.db', taken_at: '2026-12-02T03:04:05.000000', size_bytes: 4096 },
            { name: 'keyport-20261201T030405Z.db', taken_at: '2026-12-01T03:04:05.000000', size_bytes: 2048 },
          ],
        },
      },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^NAME +TAKEN +BYTES\nkeyport-20261202T030405Z\.db +2026-12-02 03:04 UTC +4096\nkeyport-20261201T030405Z\.db/);
  });
});
