import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { readServerArchive, writeServerArchive } from '../../src/main/core/backup/server-archive.ts';
import type { RestoreProgress } from '../../src/main/core/backup/restore-upload.ts';
import { openKeyportCore, type KeyportCore } from '../../src/main/core/keyport-core.ts';
import { freePort } from '../../test-support/tcp-traffic.ts';
import { TestServer } from '../harness/test-server.ts';
import { addTestServer } from '../support/console-access.ts';
import { testBlob } from '../support/test-blob.ts';

const REPO = resolve(import.meta.dirname, '../..');
const PASSPHRASE = 'a long backup passphrase';
/** Past two of the largest chunks (8 MiB), so the upload takes several that grow, and a cut lands mid-way. */
const PADDING_BYTES = 20 * 1024 * 1024;

/**
 * `keyport server restore`'s core against real test servers, through real SSH: a snapshot of
 * alpha, padded to over 20 MB (a table of incompressible bytes the restore ignores), restored in
 * chunks onto a fresh beta, and onto a fresh gamma with the SSH connection killed (its sshd, by
 * pid) after the first chunk and again while a chunk is reaching gamma's disk: each time the
 * console reconnects and goes on from the bytes gamma kept, and gamma ends with alpha's keys.
 */
describe('a restore in chunks through the SSH tunnel, resumed after the link is cut', { timeout: 600_000 }, () => {
  let alpha: TestServer;
  let beta: TestServer;
  let gamma: TestServer;
  let scratch: string;
  let core: KeyportCore;
  let archive: string;
  let snapshotBytes: number;

  const keysOf = async (server: string) =>
    (await core.keys.list(server)).data.map(({ id, name, uuid, port, is_active, data_limit_bytes, note }) => ({ id, name, uuid, port, is_active, data_limit_bytes, note }));

  before(async () => {
    execFileSync(process.execPath, ['scripts/build-agent.mjs'], { cwd: REPO, stdio: 'ignore' });
    [alpha, beta, gamma] = await Promise.all([TestServer.create(await freePort()), TestServer.create(await freePort()), TestServer.create(await freePort())]);
    scratch = mkdtempSync(join(tmpdir(), 'keyport-e2e-restore-upload-'));
    core = await openKeyportCore({ home: join(scratch, 'keyport') });
    for (const [name, server] of [['alpha', alpha], ['beta', beta], ['gamma', gamma]] as const) {
      await core.fleet.add(addTestServer(server, name));
      await core.deploy.deploy(name, {}, () => undefined);
    }
    await core.keys.create('alpha', 'anna', { data_limit_bytes: 10_000_000_000, data_limit_reset: 'month', note: 'laptop' });
    await core.keys.create('alpha', 'boris');

    const plainArchive = join(scratch, 'alpha.kpbak');
    await core.backups.backup('alpha', plainArchive, PASSPHRASE);
    const snapshot = join(scratch, 'snapshot.db');
    await readServerArchive(plainArchive, snapshot, PASSPHRASE);
    const db = new DatabaseSync(snapshot);
    db.exec('CREATE TABLE test_padding (bytes BLOB NOT NULL)');
    db.prepare('INSERT INTO test_padding VALUES (?)').run(testBlob(PADDING_BYTES));
    db.close();
    snapshotBytes = statSync(snapshot).size;
    archive = join(scratch, 'alpha-padded.kpbak');
    await writeServerArchive(snapshot, archive, PASSPHRASE);
    rmSync(snapshot);
  });

  after(async () => {
    await core?.close();
    await Promise.all([alpha?.destroy(), beta?.destroy(), gamma?.destroy()]);
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test('a snapshot of many chunks restores onto a fresh server with the same keys, the bar going from nothing to all of it', async () => {
    const progress: RestoreProgress[] = [];
    const report = await core.backups.restore('beta', archive, PASSPHRASE, { onProgress: (step) => progress.push(step) });
    assert.equal(report.keys_restored, 2);
    assert.deepEqual(await keysOf('beta'), await keysOf('alpha'));
    const sent = progress.flatMap((step) => (step.stage === 'uploading' ? [step.sentBytes] : []));
    assert.ok(sent.length >= 4, `the upload took ${sent.length - 1} chunk(s)`);
    assert.deepEqual([sent[0], sent.at(-1)], [0, snapshotBytes]);
    assert.deepEqual(sent, [...sent].sort((a, b) => a - b));
    assert.ok(!progress.some((step) => step.stage === 'reconnecting'));
    assert.deepEqual(readdirSync(beta.hostPath('/var/lib/keyport/uploads')), [], 'nothing of the upload is left on the server');
  });

  test('the SSH connection killed between chunks and in the middle of one: the console reconnects, goes on from the bytes gamma kept, and gamma ends with the same keys', async () => {
    const progress: RestoreProgress[] = [];
    const uploads = gamma.hostPath('/var/lib/keyport/uploads');
    const partBytes = () => readdirSync(uploads).reduce((sum, name) => sum + statSync(join(uploads, name)).size, 0);
    let betweenChunks: number[] = [];
    let midChunk: Promise<{ committed: number; onDisk: number }> | undefined;
    /** Kills gamma's sshd once a chunk after `committed` bytes is partly on gamma's disk. */
    const cutMidChunk = async (committed: number) => {
      for (;;) {
        const onDisk = partBytes();
        if (onDisk > committed + 64 * 1024) {
          assert.ok(gamma.killSshd().length > 0);
          return { committed, onDisk };
        }
        await sleep(2);
      }
    };
    const report = await core.backups.restore('gamma', archive, PASSPHRASE, {
      onProgress: (step) => {
        progress.push(step);
        if (step.stage !== 'uploading' || step.sentBytes === 0) return;
        if (betweenChunks.length === 0) betweenChunks = gamma.killSshd();
        else if (!midChunk && step.sentBytes >= 2 * 1024 * 1024) midChunk = cutMidChunk(step.sentBytes);
      },
    });
    assert.ok(betweenChunks.length > 0, 'the sshd serving the console was killed after the first chunk');
    assert.ok(midChunk, 'a second cut was set up');
    const { committed, onDisk } = await midChunk;
    assert.equal(report.keys_restored, 2);
    assert.deepEqual(await keysOf('gamma'), await keysOf('alpha'));

    const cuts = progress.flatMap((step, index) => (step.stage === 'reconnecting' ? [{ index, ...step }] : []));
    for (const cut of cuts) console.log(`# cut with ${cut.sentBytes} of ${snapshotBytes} bytes kept on gamma: ${cut.reason}`);
    assert.equal(cuts.length, 2, 'each cut was seen and tried again once');
    assert.equal(cuts[0]!.sentBytes, 256 * 1024, 'the first chunk was kept');
    assert.equal(cuts[1]!.sentBytes, committed, `the chunk cut off (${onDisk - committed} bytes of it had reached the disk) was not kept`);
    const afterLastCut = progress.slice(cuts[1]!.index + 1).flatMap((step) => (step.stage === 'uploading' ? [step.sentBytes] : []));
    assert.ok(afterLastCut.length > 0 && afterLastCut.every((sentBytes) => sentBytes > committed), `went on from ${committed} bytes: ${afterLastCut.join(', ')}`);
    assert.equal(afterLastCut.at(-1), snapshotBytes);
    assert.deepEqual(readdirSync(uploads), []);
  });
});
