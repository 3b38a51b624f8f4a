import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { KeyportError } from '../../../shared/contract/errors.ts';
import type { AgentClient } from '../agent-client/agent-client.ts';
import { uploadAndRestore, type RestoreProgress } from './restore-upload.ts';

const MAX_CHUNK = 8 * 1024 * 1024;
const REPORT = { keys_restored: 2, daily_rows_restored: 7, ports_moved: [], xray: { at_ms: 0, method: 'restart' as const, ok: true, detail: 'ok' } };
const cut = () => new KeyportError('agent-error', 'the connection to the agent failed during PUT: socket hang up', { reason: 'connection-lost' });

/**
 * The upload endpoints as the agent answers them, in memory, with the failures a test asks for:
 * `failNext` names the next calls to fail (by method) and how. Chunks are stored whole or not at all.
 */
class UploadsStandIn {
  uploads = new Map<string, { size: number; sha256: string; bytes: Buffer[] }>();
  calls: string[] = [];
  chunkSizes: number[] = [];
  failNext: Array<[string, () => KeyportError]> = [];
  #ids = 0;

  client(): AgentClient {
    const state = (id: string) => {
      const upload = this.uploads.get(id);
      if (!upload) throw new KeyportError('not-found', `no upload ${id}`, { httpStatus: 404 });
      const received = upload.bytes.reduce((sum, chunk) => sum + chunk.length, 0);
      return { status: 'success', timestamp: '', data: { upload_id: id, size_bytes: upload.size, received_bytes: received, max_chunk_bytes: MAX_CHUNK, request_timeout_ms: 30_000 } };
    };
    const call = async <T>(name: string, answer: () => T): Promise<T> => {
      this.calls.push(name);
      const failure = this.failNext[0]?.[0] === name ? this.failNext.shift()![1] : undefined;
      if (failure) throw failure();
      return answer();
    };
    return {
      createRestoreUpload: (size: number, sha256: string) =>
        call('create', () => {
          const id = `upload${(this.#ids += 1)}`;
          this.uploads.set(id, { size, sha256, bytes: [] });
          return state(id);
        }),
      getRestoreUpload: (id: string) => call('get', () => state(id)),
      putRestoreUploadChunk: (id: string, offset: number, chunk: Uint8Array) =>
        call('put', () => {
          const received = state(id).data.received_bytes;
          if (offset !== received) throw new KeyportError('bad-input', 'offset', { httpStatus: 409, reason: 'offset_mismatch', receivedBytes: received });
          this.chunkSizes.push(chunk.length);
          this.uploads.get(id)!.bytes.push(Buffer.from(chunk));
          return state(id);
        }),
      restoreFromUpload: (id: string) =>
        call('restore', () => {
          const upload = this.uploads.get(id)!;
          this.uploads.delete(id);
          assert.equal(createHash('sha256').update(Buffer.concat(upload.bytes)).digest('hex'), upload.sha256, 'the bytes restored are the ones announced');
          this.restored = Buffer.concat(upload.bytes);
          return { status: 'success', timestamp: '', data: REPORT };
        }),
      deleteRestoreUpload: (id: string) => call('delete', () => (this.uploads.delete(id), { status: 'success', message: '', timestamp: '' })),
    } as unknown as AgentClient;
  }

  restored: Buffer | undefined;
}

/** The client with its chunk calls failing where `failure` says (by the call's number, from 1). */
function failingPuts(client: AgentClient, failure: (put: number) => KeyportError | undefined): AgentClient {
  const put = client.putRestoreUploadChunk.bind(client);
  let puts = 0;
  client.putRestoreUploadChunk = async (...args) => {
    puts += 1;
    const error = failure(puts);
    if (error) throw error;
    return put(...args);
  };
  return client;
}

describe('uploadAndRestore: a snapshot in chunks that survive a dropped link', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyport-restore-upload-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const snapshot = randomBytes(3 * 1024 * 1024 + 12345);
  const file = join(dir, 'snapshot.db');
  writeFileSync(file, snapshot);
  const noWait = [0, 0, 0];

  test('sends the snapshot whole in chunks that grow from 256 KiB, then restores it, saying how far it got', async () => {
    const agent = new UploadsStandIn();
    const progress: RestoreProgress[] = [];
    const report = await uploadAndRestore(agent.client(), file, { onProgress: (step) => progress.push(step), retryDelaysMs: noWait });
    assert.deepEqual(report, REPORT);
    assert.ok(agent.restored?.equals(snapshot));
    assert.equal(agent.chunkSizes[0], 256 * 1024);
    assert.ok(agent.chunkSizes.length > 1 && agent.chunkSizes.every((size) => size <= MAX_CHUNK));
    const sent = progress.flatMap((step) => (step.stage === 'uploading' ? [step.sentBytes] : []));
    assert.deepEqual(sent, [...sent].sort((a, b) => a - b));
    assert.deepEqual([sent[0], sent.at(-1)], [0, snapshot.length]);
    assert.deepEqual(progress.at(-1), { stage: 'restoring', totalBytes: snapshot.length });
  });

  test('a chunk cut off is sent again from where the agent says the upload stands, after a wait', async () => {
    const agent = new UploadsStandIn();
    const progress: RestoreProgress[] = [];
    // The second chunk is cut off: the first is on the agent.
    const client = failingPuts(agent.client(), (put) => (put === 2 ? cut() : undefined));
    await uploadAndRestore(client, file, { onProgress: (step) => progress.push(step), retryDelaysMs: [0, 0] });
    assert.ok(agent.restored?.equals(snapshot));
    const lost = progress.find((step) => step.stage === 'reconnecting');
    assert.deepEqual(lost && { ...lost, reason: '' }, { stage: 'reconnecting', attempt: 1, attempts: 2, waitMs: 0, sentBytes: 256 * 1024, totalBytes: snapshot.length, reason: '' });
    assert.deepEqual(agent.calls.slice(0, 4), ['create', 'put', 'get', 'put'], 'asked where it stands, then went on from there');
    assert.equal(agent.calls.filter((name) => name === 'create').length, 1, 'never started over');
  });

  test('an upload the agent no longer has (it restarted) is begun again', async () => {
    const agent = new UploadsStandIn();
    const client = failingPuts(agent.client(), (put) => {
      if (put !== 3) return undefined;
      agent.uploads.clear();
      return cut();
    });
    await uploadAndRestore(client, file, { retryDelaysMs: noWait });
    assert.ok(agent.restored?.equals(snapshot));
    assert.equal(agent.calls.filter((name) => name === 'create').length, 2);
  });

  test('a link that stays down is given up after the tries, saying how far the upload got; the upload is left for a later run', async () => {
    const agent = new UploadsStandIn();
    const client = failingPuts(agent.client(), (put) => (put > 1 ? cut() : undefined));
    const error = await uploadAndRestore(client, file, { retryDelaysMs: [0, 0, 0] }).then(() => assert.fail('it went through'), (caught: unknown) => caught as KeyportError);
    assert.equal(error.code, 'agent-error');
    assert.match(error.message, /given up after 3 tries; 262144 of 3158073 bytes had arrived/);
    assert.deepEqual([error.facts.sentBytes, error.facts.totalBytes, error.facts.reason], [256 * 1024, snapshot.length, 'connection-lost']);
    assert.ok(!agent.calls.includes('delete'));
    assert.equal(agent.uploads.size, 1);
  });

  test("the agent's refusal is not tried again, and the upload is discarded", async () => {
    const agent = new UploadsStandIn();
    agent.failNext = [['put', () => new KeyportError('server-disk-full', 'the disk holding /var/lib/keyport is full', { httpStatus: 507 })]];
    const error = await uploadAndRestore(agent.client(), file, { retryDelaysMs: noWait }).then(() => assert.fail('it went through'), (caught: unknown) => caught as KeyportError);
    assert.equal(error.code, 'server-disk-full');
    assert.deepEqual(agent.calls, ['create', 'put', 'delete']);
    assert.equal(agent.uploads.size, 0);
  });

  test('a link lost while the server restores says the restore may have finished', async () => {
    const agent = new UploadsStandIn();
    agent.failNext = [['restore', cut]];
    const error = await uploadAndRestore(agent.client(), file, { retryDelaysMs: noWait }).then(() => assert.fail('it went through'), (caught: unknown) => caught as KeyportError);
    assert.equal(error.code, 'server-offline');
    assert.equal(error.facts.stage, 'restore');
    assert.match(error.message, /may have finished/);
    assert.equal(agent.calls.filter((name) => name === 'restore').length, 1, 'a restore is never sent twice');
  });
});
