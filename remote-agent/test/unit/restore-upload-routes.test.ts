import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { RESTORE_CHUNK_MAX_BYTES, SNAPSHOT_MAX_BYTES, UPLOAD_IDLE_LIMIT_MS } from '../../src/api/index.ts';
import { buildApp } from '../../src/app.ts';
import type { AgentContext } from '../../src/agent-context.ts';
import type { Logger } from '../../src/lib/logger.ts';
import { RestoreUploads } from '../../src/services/restore-uploads.ts';
import type { RestoreOutcome } from '../../src/services/server-restore.ts';
import { PrivateTmpfs } from '../../../test-support/private-tmpfs.ts';
import { waitFor } from '../../../test-support/wait.ts';

const silent = { error() {}, warn() {}, info() {} } as unknown as Logger;
const API_KEY = 'k'.repeat(43);
const headers = { 'x-api-key': API_KEY };
const binary = { ...headers, 'content-type': 'application/octet-stream' };
const OUTCOME: RestoreOutcome = { keysRestored: 2, dailyRowsRestored: 5, portsMoved: [], xray: { at_ms: 0, method: 'restart', ok: true, detail: 'ok' } };
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The agent's HTTP API over a real RestoreUploads in `dir`; the restore itself is a stand-in that records what it was given. */
async function uploadsApp(dir: string, options: { requestTimeoutMs?: number } = {}) {
  const clock = { nowMs: 1_000_000 };
  const server = { keys: 0, restored: [] as Buffer[] };
  const uploads = new RestoreUploads({
    dir,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    keysPresent: () => server.keys,
    restoreFile: async (path) => {
      server.restored.push(readFileSync(path));
      await rm(path);
      return OUTCOME;
    },
    now: () => clock.nowMs,
  });
  await uploads.start();
  const app = await buildApp({
    ctx: { restoreUploads: uploads, now: () => clock.nowMs } as unknown as AgentContext,
    apiKey: API_KEY,
    log: silent,
    requestTimeoutMs: options.requestTimeoutMs,
    dataDir: dir,
  });
  const begin = async (size: number, sha = 'a'.repeat(64)) => {
    const answer = await app.inject({ method: 'POST', url: '/api/system/restore/uploads', headers, payload: { size_bytes: size, sha256: sha } });
    assert.equal(answer.statusCode, 201, answer.body);
    return answer.json().data as { upload_id: string; size_bytes: number; received_bytes: number; max_chunk_bytes: number; request_timeout_ms: number };
  };
  const put = (id: string, offset: number | string, bytes: Buffer) =>
    app.inject({ method: 'PUT', url: `/api/system/restore/uploads/${id}?offset=${offset}`, headers: binary, payload: bytes });
  const received = async (id: string) => (await app.inject({ method: 'GET', url: `/api/system/restore/uploads/${id}`, headers })).json().data.received_bytes as number;
  const stagedFiles = () => readdirSync(dir);
  return { app, uploads, clock, server, begin, put, received, stagedFiles, close: async () => (uploads.stop(), await app.close()) };
}

describe('restore uploads: a snapshot in chunks, each stored whole or not at all', async () => {
  const work = mkdtempSync(join(tmpdir(), 'keyport-uploads-'));
  const dir = join(work, 'uploads');
  const t = await uploadsApp(dir);
  after(async () => {
    await t.close();
    rmSync(work, { recursive: true, force: true });
  });
  const snapshot = randomBytes(300_000);

  test('chunks at the offsets the agent has, then a restore of exactly those bytes; the upload is gone after', async () => {
    const upload = await t.begin(snapshot.length, sha256(snapshot));
    assert.match(upload.upload_id, /^[0-9a-f]{24}$/);
    assert.deepEqual({ ...upload, upload_id: '' }, { upload_id: '', size_bytes: snapshot.length, received_bytes: 0, max_chunk_bytes: RESTORE_CHUNK_MAX_BYTES, request_timeout_ms: 30_000 });
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(join(dir, `${upload.upload_id}.part`)).mode & 0o777, 0o600);
    for (const [from, to] of [[0, 100_000], [100_000, 250_000], [250_000, 300_000]] as const) {
      const stored = await t.put(upload.upload_id, from, snapshot.subarray(from, to));
      assert.equal(stored.statusCode, 200, stored.body);
      assert.equal(stored.json().data.received_bytes, to);
    }
    const restored = await t.app.inject({ method: 'POST', url: `/api/system/restore/uploads/${upload.upload_id}/restore`, headers });
    assert.equal(restored.statusCode, 200, restored.body);
    assert.deepEqual(restored.json().data, { keys_restored: 2, daily_rows_restored: 5, ports_moved: [], xray: OUTCOME.xray });
    assert.ok(t.server.restored.at(-1)!.equals(snapshot));
    assert.equal((await t.app.inject({ method: 'GET', url: `/api/system/restore/uploads/${upload.upload_id}`, headers })).statusCode, 404);
    assert.deepEqual(t.stagedFiles(), []);
  });

  test('bad input on every upload route is refused with a clear error, and changes nothing', async () => {
    const upload = await t.begin(1000);
    assert.equal((await t.put(upload.upload_id, 0, Buffer.alloc(400, 1))).statusCode, 200);
    const state = async () => ({ received: await t.received(upload.upload_id), files: t.stagedFiles(), bytes: readFileSync(join(dir, `${upload.upload_id}.part`)) });
    const before_ = await state();
    const base = `/api/system/restore/uploads/${upload.upload_id}`;
    const unknown = '0123456789abcdef01234567';
    const cases: Array<[string, InjectOptions, number, RegExp]> = [
      ['no body', { method: 'POST', url: '/api/system/restore/uploads', headers }, 400, /body/],
      ['a size of 0', { method: 'POST', url: '/api/system/restore/uploads', headers, payload: { size_bytes: 0, sha256: 'a'.repeat(64) } }, 400, /size_bytes must be/],
      ['a size past the snapshot limit', { method: 'POST', url: '/api/system/restore/uploads', headers, payload: { size_bytes: SNAPSHOT_MAX_BYTES + 1, sha256: 'a'.repeat(64) } }, 400, /size_bytes must be/],
      ['a size as text', { method: 'POST', url: '/api/system/restore/uploads', headers, payload: { size_bytes: '10', sha256: 'a'.repeat(64) } }, 400, /size_bytes must be integer/],
      ['a sha256 in capitals', { method: 'POST', url: '/api/system/restore/uploads', headers, payload: { size_bytes: 10, sha256: 'A'.repeat(64) } }, 400, /sha256 must be/],
      ['an unknown field', { method: 'POST', url: '/api/system/restore/uploads', headers, payload: { size_bytes: 10, sha256: 'a'.repeat(64), path: '/etc' } }, 400, /unknown field path/],
      ['an id that is not one', { method: 'GET', url: '/api/system/restore/uploads/..%2F..%2Fkeyport.db', headers }, 400, /upload_id must be/],
      ['an unknown id', { method: 'GET', url: `/api/system/restore/uploads/${unknown}`, headers }, 404, /no upload/],
      ['a chunk for an id that is not one', { method: 'PUT', url: '/api/system/restore/uploads/x?offset=400', headers: binary, payload: Buffer.alloc(1) }, 400, /upload_id must be/],
      ['a chunk for an unknown id', { method: 'PUT', url: `/api/system/restore/uploads/${unknown}?offset=400`, headers: binary, payload: Buffer.alloc(1) }, 404, /no upload/],
      ['a chunk without an offset', { method: 'PUT', url: base, headers: binary, payload: Buffer.alloc(1) }, 400, /offset is required/],
      ['a negative offset', { method: 'PUT', url: `${base}?offset=-1`, headers: binary, payload: Buffer.alloc(1) }, 400, /offset must be/],
      ['an offset in hex', { method: 'PUT', url: `${base}?offset=0x190`, headers: binary, payload: Buffer.alloc(1) }, 400, /offset must be/],
      ['a chunk sent as JSON', { method: 'PUT', url: `${base}?offset=400`, headers, payload: { bytes: 'x' } }, 415, /chunk of the snapshot sent as application\/octet-stream/],
      ['an empty chunk', { method: 'PUT', url: `${base}?offset=400`, headers: binary, payload: Buffer.alloc(0) }, 400, /empty/],
      ['a chunk past the size announced', { method: 'PUT', url: `${base}?offset=400`, headers: binary, payload: Buffer.alloc(601, 2) }, 400, /past the 1000 bytes/],
      ['a chunk longer than a chunk may be', { method: 'PUT', url: `${base}?offset=400`, headers: { ...binary, 'content-length': String(RESTORE_CHUNK_MAX_BYTES + 1) }, payload: Buffer.alloc(10) }, 413, /at most 8388608 bytes/],
      ['a restore of an id that is not one', { method: 'POST', url: '/api/system/restore/uploads/ZZ/restore', headers }, 400, /upload_id must be/],
      ['a restore of an unknown id', { method: 'POST', url: `/api/system/restore/uploads/${unknown}/restore`, headers }, 404, /no upload/],
      ['a delete of an id that is not one', { method: 'DELETE', url: '/api/system/restore/uploads/0123456789abcdef0123456', headers }, 400, /upload_id must be/],
      ['a delete of an unknown id', { method: 'DELETE', url: `/api/system/restore/uploads/${unknown}`, headers }, 404, /no upload/],
    ];
    for (const [what, request, status, detail] of cases) {
      const answer = await t.app.inject(request);
      assert.equal(answer.statusCode, status, `${what}: ${answer.body}`);
      assert.equal(answer.json().status, 'error', what);
      assert.match(answer.json().detail, detail, what);
      assert.deepEqual(await state(), before_, what);
    }
    const ahead = await t.put(upload.upload_id, 500, Buffer.alloc(10));
    assert.equal(ahead.statusCode, 409);
    assert.deepEqual({ reason: ahead.json().reason, received_bytes: ahead.json().received_bytes }, { reason: 'offset_mismatch', received_bytes: 400 });
    const again = await t.put(upload.upload_id, 0, Buffer.alloc(400, 1));
    assert.equal(again.statusCode, 409, 'a chunk sent twice is refused: the upload says where it stands');
    assert.equal(again.json().received_bytes, 400);
    const early = await t.app.inject({ method: 'POST', url: `${base}/restore`, headers });
    assert.equal(early.statusCode, 409);
    assert.deepEqual({ reason: early.json().reason, received_bytes: early.json().received_bytes }, { reason: 'upload_incomplete', received_bytes: 400 });
    assert.deepEqual(await state(), before_);

    const discarded = await t.app.inject({ method: 'DELETE', url: base, headers });
    assert.equal(discarded.statusCode, 200, discarded.body);
    assert.deepEqual(t.stagedFiles(), []);
    assert.equal((await t.put(upload.upload_id, 400, Buffer.alloc(1))).statusCode, 404);
  });

  test('bytes that do not match the SHA-256 announced are refused, and nothing is restored', async () => {
    const upload = await t.begin(snapshot.length, sha256(Buffer.from('another snapshot')));
    assert.equal((await t.put(upload.upload_id, 0, snapshot)).statusCode, 200);
    const restoresBefore = t.server.restored.length;
    const refused = await t.app.inject({ method: 'POST', url: `/api/system/restore/uploads/${upload.upload_id}/restore`, headers });
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.json().reason, 'sha256_mismatch');
    assert.equal(refused.json().sha256, sha256(snapshot));
    assert.equal(t.server.restored.length, restoresBefore, 'the restore was never called');
    assert.equal(await t.received(upload.upload_id), snapshot.length, 'the upload is as it was, to be discarded');
  });

  test('a server with keys takes no upload; a new upload replaces one that no chunk is reaching', async () => {
    t.server.keys = 3;
    const refused = await t.app.inject({ method: 'POST', url: '/api/system/restore/uploads', headers, payload: { size_bytes: 10, sha256: 'a'.repeat(64) } });
    assert.equal(refused.statusCode, 409);
    assert.deepEqual({ reason: refused.json().reason, keys: refused.json().keys }, { reason: 'server_not_fresh', keys: 3 });
    t.server.keys = 0;
    const first = await t.begin(10);
    const second = await t.begin(10);
    assert.equal((await t.app.inject({ method: 'GET', url: `/api/system/restore/uploads/${first.upload_id}`, headers })).statusCode, 404);
    assert.deepEqual(t.stagedFiles(), [`${second.upload_id}.part`]);
  });

  test('an upload no chunk reached for an hour is discarded', async () => {
    const upload = await t.begin(10);
    await t.uploads.sweep();
    assert.equal(await t.received(upload.upload_id), 0, 'kept while it is fresh');
    t.clock.nowMs += UPLOAD_IDLE_LIMIT_MS + 1;
    await t.uploads.sweep();
    assert.equal((await t.app.inject({ method: 'GET', url: `/api/system/restore/uploads/${upload.upload_id}`, headers })).statusCode, 404);
    assert.deepEqual(t.stagedFiles(), []);
  });

  test('the agent starts with no uploads: what a stopped agent left is removed', async () => {
    const leftDir = join(work, 'left');
    mkdirSync(leftDir);
    writeFileSync(join(leftDir, '0123456789abcdef01234567.part'), 'half a snapshot');
    const restarted = await uploadsApp(leftDir);
    assert.deepEqual(restarted.stagedFiles(), []);
    await restarted.close();
  });
});

describe('restore uploads over a real socket: a chunk cut off, timed out or overtaken is not stored', async () => {
  const work = mkdtempSync(join(tmpdir(), 'keyport-uploads-socket-'));
  const dir = join(work, 'uploads');
  const t = await uploadsApp(dir, { requestTimeoutMs: 1_000 });
  let port: number;
  before(async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.app.server.address() as { port: number }).port;
  });
  after(async () => {
    await t.close();
    rmSync(work, { recursive: true, force: true });
  });
  const partFile = (id: string) => join(dir, `${id}.part`);

  /** Sends the head of a chunk of `declaredBytes` and the first `sentBytes` of it, and keeps the socket open. */
  const partialChunk = (id: string, declaredBytes: number, sentBytes: number) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    socket.on('data', (data: Buffer) => (answer += data.toString('latin1')));
    socket.on('error', () => undefined);
    socket.write(
      `PUT /api/system/restore/uploads/${id}?offset=0 HTTP/1.1\r\nHost: agent\r\nX-API-Key: ${API_KEY}\r\nContent-Type: application/octet-stream\r\nContent-Length: ${declaredBytes}\r\n\r\n`,
    );
    socket.write(Buffer.alloc(sentBytes, 7));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    return { socket, answer: () => answer, closed };
  };

  test('a chunk whose sender goes away mid-way leaves the upload where it was', async () => {
    const upload = await t.begin(2_000_000);
    const chunk = partialChunk(upload.upload_id, 1_000_000, 300_000);
    await waitFor('the first bytes of the chunk on disk', () => (statSync(partFile(upload.upload_id)).size > 0 ? true : undefined));
    chunk.socket.destroy();
    await waitFor('the file cut back to where the upload was', () => (statSync(partFile(upload.upload_id)).size === 0 ? true : undefined));
    assert.equal(await t.received(upload.upload_id), 0);
  });

  test('a chunk that does not arrive within the request timeout gets 408 and is not stored', async () => {
    const upload = await t.begin(2_000_000);
    const chunk = partialChunk(upload.upload_id, 1_000_000, 100_000);
    await chunk.closed;
    assert.match(chunk.answer(), /^HTTP\/1\.1 408 /);
    await waitFor('the file cut back', () => (statSync(partFile(upload.upload_id)).size === 0 ? true : undefined));
    assert.equal(await t.received(upload.upload_id), 0);
  });

  test('a chunk still arriving from a dead link is overtaken by the same chunk sent again', async () => {
    const upload = await t.begin(500_000);
    const stale = partialChunk(upload.upload_id, 500_000, 200_000);
    await waitFor('the stale chunk under way', () => (statSync(partFile(upload.upload_id)).size > 0 ? true : undefined));
    const fresh = randomBytes(500_000);
    const stored = await fetch(`http://127.0.0.1:${port}/api/system/restore/uploads/${upload.upload_id}?offset=0`, { method: 'PUT', headers: binary, body: fresh });
    assert.equal(stored.status, 200, await stored.clone().text());
    assert.equal(((await stored.json()) as { data: { received_bytes: number } }).data.received_bytes, 500_000);
    await stale.closed;
    assert.ok(readFileSync(partFile(upload.upload_id)).equals(fresh));
  });
});

describe('restore uploads on a full disk: a clear 507, and nothing stored', async () => {
  const mountPoint = mkdtempSync(join(tmpdir(), 'keyport-uploads-disk-'));
  const tmpfs = await PrivateTmpfs.mount(mountPoint, 1024 * 1024);
  const dir = tmpfs.hostPath(join(mountPoint, 'uploads'));
  const t = await uploadsApp(dir);
  after(async () => {
    await t.close();
    await tmpfs.dispose();
    rmSync(mountPoint, { recursive: true, force: true });
  });

  test('an upload the disk cannot hold is refused when announced, saying how much room there is; the upload there stays', async () => {
    const kept = await t.begin(200_000);
    assert.equal((await t.put(kept.upload_id, 0, Buffer.alloc(100_000, 1))).statusCode, 200);
    const refused = await t.app.inject({ method: 'POST', url: '/api/system/restore/uploads', headers, payload: { size_bytes: 2 * 1024 * 1024, sha256: 'a'.repeat(64) } });
    assert.equal(refused.statusCode, 507, refused.body);
    assert.equal(refused.json().reason, 'disk_full');
    assert.equal(refused.json().size_bytes, 2 * 1024 * 1024);
    assert.ok(refused.json().free_bytes <= 1024 * 1024, refused.body);
    assert.deepEqual(t.stagedFiles(), [`${kept.upload_id}.part`]);
    assert.equal(await t.received(kept.upload_id), 100_000);
  });

  test('a chunk that fills the disk gets 507 disk_full, and the upload stays where it was', async () => {
    const upload = await t.begin(600_000);
    assert.equal((await t.put(upload.upload_id, 0, Buffer.alloc(100_000, 1))).statusCode, 200);
    // Something else fills the disk meanwhile.
    writeFileSync(tmpfs.hostPath(join(mountPoint, 'filler')), Buffer.alloc(700 * 1024));
    const full = await t.put(upload.upload_id, 100_000, Buffer.alloc(500_000, 2));
    assert.equal(full.statusCode, 507, full.body);
    assert.equal(full.json().reason, 'disk_full');
    assert.match(full.json().detail, /is full/);
    assert.equal(await t.received(upload.upload_id), 100_000);
    assert.equal(statSync(join(dir, `${upload.upload_id}.part`)).size, 100_000, 'the part of the chunk that fitted was cut off again');
  });
});
