// Fault: the disk holding the agent's data fills up while keys carry traffic.
// Promise: a create answers 507 whose detail names the full disk (SQLite's "database or disk is
// full" kept as the cause), nothing half-made is left; sampling fails visibly meanwhile and,
// once space is back, resumes and counts every byte the kernel counted, none lost, none twice.
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { waitFor } from '../../test-support/wait.ts';
import { PrivateTmpfs } from '../../test-support/private-tmpfs.ts';
import { AgentRun, TestNamespace } from '../support/agent-in-namespace.ts';

const TMPFS_BYTES = 32 * 1024 * 1024;
const BEFORE_BYTES = 200_000;
const WHILE_FULL_BYTES = 300_000;

describe('a full disk under the agent', { timeout: 90_000 }, () => {
  const namespace = TestNamespace.create();
  const mountPoint = mkdtempSync(join(tmpdir(), 'keyport-fault-disk-'));
  const dataDir = join(mountPoint, 'data');
  let tmpfs: PrivateTmpfs;
  let agent: AgentRun;
  let key: { id: string; port: number };
  const filler = () => tmpfs.hostPath(join(mountPoint, 'filler'));
  const rxTotal = async (keyId: string) => (await agent.request('GET', `/api/keys/${keyId}/traffic/history`)).body.data.total_traffic.rx_bytes as number;
  const lastCycle = async () => (await agent.request('GET', '/api/traffic/status')).body.data.sampler.last_cycle;

  before(async () => {
    tmpfs = await PrivateTmpfs.mount(mountPoint, TMPFS_BYTES);
    agent = await AgentRun.serve(namespace, { dataDir, tmpfs });
    key = (await agent.request('POST', '/api/keys', { name: 'busy' })).body;
    namespace.moveBytes(key.port, BEFORE_BYTES, 0);
    await waitFor('the first bytes counted', async () => ((await rxTotal(key.id)) >= BEFORE_BYTES ? true : undefined));
  });

  after(async () => {
    await agent?.stop();
    await tmpfs?.dispose();
    namespace.dispose();
    rmSync(mountPoint, { recursive: true, force: true });
  });

  test('full: a create answers 507 naming the disk; sampling fails visibly; reads still answer', async () => {
    fillDisk(filler());
    const created = await agent.request('POST', '/api/keys', { name: 'while-full' });
    assert.equal(created.status, 507, JSON.stringify(created.body));
    assert.equal(created.body.status, 'error');
    assert.equal(created.body.reason, 'disk_full');
    assert.match(created.body.detail, new RegExp(`the disk holding ${dataDir} is full \\(database or disk is full\\)`));
    assert.doesNotMatch(created.body.detail, /cannot rollback/);
    await waitFor("the log to keep SQLite's own error", () => (/POST \/api\/keys failed: Error: database or disk is full/.test(agent.output) ? true : undefined));

    namespace.moveBytes(key.port, WHILE_FULL_BYTES, 0);
    const failed = await waitFor('a sampling cycle that failed on the full disk', async () => {
      const cycle = await lastCycle();
      return cycle && !cycle.ok ? cycle : undefined;
    });
    assert.match(failed.error, /database or disk is full/);
    const listed = await agent.request('GET', '/api/keys');
    assert.deepEqual(listed.body.map((listedKey: { name: string }) => listedKey.name), ['busy'], 'the refused key left nothing behind');
  });

  test('space back: sampling resumes and counts exactly what the kernel counted; creates work', async () => {
    unlinkSync(filler());
    await waitFor('a sampling cycle that succeeded', async () => ((await lastCycle())?.ok ? true : undefined));
    const counted = await waitFor(
      "the agent's total to equal the kernel's counter",
      async () => {
        const [total, kernel] = [await rxTotal(key.id), namespace.rxCounter(key.port)];
        return total === kernel ? total : undefined;
      },
      10_000,
    );
    assert.ok(counted >= BEFORE_BYTES + WHILE_FULL_BYTES, `${counted} holds the bytes of before and during the full disk`);
    const created = await agent.request('POST', '/api/keys', { name: 'after-full' });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.deepEqual((await agent.request('GET', '/api/keys')).body.map((listedKey: { name: string }) => listedKey.name), ['busy', 'after-full']);
  });
});

/** Writes to `path` until the file system refuses (ENOSPC): 1 MiB at a time, then the last pages. */
function fillDisk(path: string): void {
  const fd = openSync(path, 'w');
  try {
    for (const chunkBytes of [1024 * 1024, 4096, 512]) {
      const chunk = Buffer.alloc(chunkBytes, 0x55);
      for (let round = 0; round < 64; round += 1) {
        try {
          writeSync(fd, chunk);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}
