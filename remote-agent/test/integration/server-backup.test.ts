import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AgentProcess } from '../support/agent-process.ts';
import { removeAgentChains } from '../support/firewall.ts';
import { damagePage } from '../../../test-support/damage-page.ts';
import { moveBytes } from '../../../test-support/tcp-traffic.ts';
import { waitFor } from '../../../test-support/wait.ts';

const work = mkdtempSync(join(tmpdir(), 'keyport-server-backup-'));
const snapshotFile = join(work, 'snapshot.db');

const download = async (agent: AgentProcess, path: string) => {
  const response = await fetch(`http://127.0.0.1:${agent.listenPort}${path}`, { headers: { 'x-api-key': agent.apiKey } });
  return { status: response.status, type: response.headers.get('content-type'), bytes: Buffer.from(await response.arrayBuffer()) };
};

const restore = async (agent: AgentProcess, bytes: Buffer, type = 'application/octet-stream') => {
  const response = await fetch(`http://127.0.0.1:${agent.listenPort}/api/system/restore`, {
    method: 'POST',
    headers: { 'x-api-key': agent.apiKey, 'content-type': type },
    body: bytes,
  });
  return { status: response.status, body: (await response.json()) as any };
};

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Sends `bytes` as an upload in chunks of `chunkBytes`; answers the upload's id. */
const uploadInChunks = async (agent: AgentProcess, bytes: Buffer, chunkBytes: number, announcedSha = sha256(bytes)) => {
  const created = await agent.post('/api/system/restore/uploads', { size_bytes: bytes.length, sha256: announcedSha });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.data.upload_id as string;
  for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
    const response = await fetch(`http://127.0.0.1:${agent.listenPort}/api/system/restore/uploads/${id}?offset=${offset}`, {
      method: 'PUT',
      headers: { 'x-api-key': agent.apiKey, 'content-type': 'application/octet-stream' },
      body: bytes.subarray(offset, offset + chunkBytes),
    });
    assert.equal(response.status, 200, await response.text());
  }
  return id;
};

const restoreUpload = async (agent: AgentProcess, id: string) => agent.post(`/api/system/restore/uploads/${id}/restore`);

/** A restore's answer without what differs between two runs of the same restore (when Xray restarted). */
const sameRestore = (body: any) => ({ ...body.data, xray: { ok: body.data.xray.ok, method: body.data.xray.method } });

interface KeyJson {
  id: string;
  name: string;
  uuid: string;
  port: number;
  is_active: boolean;
  data_limit_bytes: number | null;
  note: string;
}

/** What a server's state is, as the API tells it: compared before and after a restore or a refusal. */
async function stateOf(agent: AgentProcess) {
  const keys = ((await agent.get('/api/keys')).body as KeyJson[]).map(({ id, name, uuid, port, is_active, data_limit_bytes, note }) => ({
    id, name, uuid, port, is_active, data_limit_bytes, note,
  }));
  const days = (await agent.get('/api/traffic/days')).body.data.keys as Array<{ key_id: string; days: unknown[] }>;
  const settings = (await agent.get('/api/system/settings')).body.data.settings;
  const bundles = await Promise.all(keys.map(async (key) => (await agent.get(`/api/keys/${key.id}/bundle`)).body));
  return { keys, days, settings, bundles, reality: readFileSync(join(agent.dataDir, 'reality-keys.json'), 'utf8') };
}

const holdPort = (port: number) =>
  new Promise<Server>((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });

describe('server backup: a snapshot of one agent restored onto a fresh one', () => {
  let source: AgentProcess | undefined;
  let target: AgentProcess | undefined;
  let before_: Awaited<ReturnType<typeof stateOf>>;
  let held: Server | undefined;
  let restoredWhole: any;

  before(async () => {
    removeAgentChains();
    source = await AgentProcess.start();
    const aliceCreated = await source.post('/api/keys', { name: 'alice', data_limit_bytes: 50_000_000, data_limit_reset: 'month', note: 'the first' });
    assert.equal(aliceCreated.status, 200, JSON.stringify(aliceCreated.body));
    const alice = aliceCreated.body;
    await source.post('/api/keys', { name: 'bob' });
    const elsewhere = 'vless://0b7c7c2e-8f7a-4a4e-9d2c-5d8c3f1e2a10@other.example:443?encryption=none&security=reality&pbk=OTHERPBK&sid=cd34#alice';
    const usage = { used_bytes: 123_456, limit_bytes: 50_000_000, synced_at: '2026-12-01T06:00:00.000000' };
    assert.equal((await source.request('PUT', `/api/keys/${alice.id}/bundle`, { links: [elsewhere], usage })).status, 200);
    const carol = (await source.post('/api/keys', { name: 'carol' })).body;
    assert.equal((await source.request('PATCH', `/api/keys/${carol.id}`, { is_active: false })).status, 200);
    assert.equal((await source.request('PATCH', '/api/system/settings', { allow_private_destinations: true })).status, 200);
    await moveBytes(alice.port, 3000, 7000);
    await source.settle();
    before_ = await stateOf(source);
    assert.ok(before_.days.some((key) => key.key_id === alice.id && key.days.length > 0), 'the source has history');
    const snapshot = await download(source, '/api/system/backup');
    assert.equal(snapshot.status, 200);
    assert.equal(snapshot.type, 'application/octet-stream');
    assert.equal(snapshot.bytes.subarray(0, 15).toString('latin1'), 'SQLite format 3');
    writeFileSync(snapshotFile, snapshot.bytes);
    // The agent takes a daily backup as it starts: listed, and sent as a snapshot with the Reality keys.
    const daily = (await source.get('/api/system/backups')).body.data.backups;
    assert.equal(daily.length, 1);
    assert.match(daily[0].name, /^keyport-\d{8}T\d{6}Z\.db$/);
    const dailySnapshot = await download(source, `/api/system/backups/${daily[0].name}`);
    assert.equal(dailySnapshot.status, 200);
    const dailyFile = join(work, 'daily.db');
    writeFileSync(dailyFile, dailySnapshot.bytes);
    const dailyDb = new DatabaseSync(dailyFile, { readOnly: true });
    const dailyReality = dailyDb.prepare('SELECT public_key FROM snapshot_reality_keys').all();
    dailyDb.close();
    assert.deepEqual(dailyReality.map((row) => row.public_key), [JSON.parse(readFileSync(join(source.dataDir, 'reality-keys.json'), 'utf8')).publicKey]);
    assert.equal((await download(source, '/api/system/backups/keyport-20000101T000000Z.db')).status, 404);
    assert.equal((await download(source, '/api/system/backups/keyport.db')).status, 400);
    const agentDir = source.dataDir;
    await waitFor('the sent snapshot to be removed', () => (readdirSync(agentDir).some((name) => name.startsWith('snapshot-')) ? undefined : true), 5_000);
    await source.dispose();
    source = undefined;

    removeAgentChains();
    // alice's port is taken on the new server: she must move, the others keep theirs.
    held = await holdPort(alice.port);
    // A crash in mid-send leaves a snapshot (Reality keys and all) in the data dir: gone at the next start.
    const targetDir = mkdtempSync(join(work, 'target-'));
    writeFileSync(join(targetDir, 'snapshot-0123456789ab.db'), 'left over');
    target = await AgentProcess.start({ dataDir: targetDir });
  });

  after(async () => {
    held?.close();
    await source?.dispose();
    await target?.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  test('a damaged snapshot, a database that is not a snapshot, and a JSON body are refused, and change nothing', async () => {
    assert.ok(!readdirSync(target!.dataDir).includes('snapshot-0123456789ab.db'), 'a snapshot left by a crash is removed at start');
    const fresh = await stateOf(target!);
    const damaged = join(work, 'damaged.db');
    writeFileSync(damaged, readFileSync(snapshotFile));
    damagePage(damaged, 2);
    const refusedDamaged = await restore(target!, readFileSync(damaged));
    assert.equal(refusedDamaged.status, 400);
    assert.equal(refusedDamaged.body.reason, 'snapshot_damaged', JSON.stringify(refusedDamaged.body));
    const refusedText = await restore(target!, Buffer.from('not a database'));
    assert.equal(refusedText.status, 400);
    const refusedJson = await restore(target!, Buffer.from('{}'), 'application/json');
    assert.equal(refusedJson.status, 415);
    assert.deepEqual(await stateOf(target!), fresh);
    assert.deepEqual(readdirSync(target!.dataDir).filter((name) => name.startsWith('restore-') || name.endsWith('.restoring')), []);
  });

  test('the restore brings the same keys, uuids, limits, history, bundles, settings and Reality keys; a taken port moves and is reported', async () => {
    const restored = await restore(target!, readFileSync(snapshotFile));
    assert.equal(restored.status, 200, JSON.stringify(restored.body));
    restoredWhole = restored.body;
    const alice = before_.keys.find((key) => key.name === 'alice')!;
    assert.equal(restored.body.data.keys_restored, 3);
    assert.deepEqual(restored.body.data.ports_moved, [{ key_id: alice.id, key_name: 'alice', old_port: alice.port, new_port: 10004 }]);
    assert.equal(restored.body.data.xray.ok, true, JSON.stringify(restored.body.data.xray));

    const after_ = await stateOf(target!);
    assert.deepEqual(after_.keys, before_.keys.map((key) => (key.id === alice.id ? { ...key, port: 10004 } : key)));
    assert.deepEqual(after_.days, before_.days);
    assert.deepEqual(after_.settings, before_.settings);
    assert.deepEqual(after_.bundles, before_.bundles, 'bundles come along, links and usage');
    assert.ok(after_.bundles.some((bundle) => bundle.usage?.used_bytes === 123_456));
    assert.deepEqual(JSON.parse(after_.reality), JSON.parse(before_.reality));

    // Served on the new port, and counted there.
    const config = (await target!.get(`/api/keys/${alice.id}/config`)).body;
    assert.match(JSON.stringify(config), new RegExp(`pbk=${JSON.parse(before_.reality).publicKey}`));
    await moveBytes(10004, 100, 100);
    await target!.settle();
    const status = (await target!.get('/api/system/config-status')).body.data;
    assert.equal(status.in_sync, true, JSON.stringify(status));
  });

  test('a server that has keys refuses a restore and keeps what it has', async () => {
    const now = await stateOf(target!);
    const refused = await restore(target!, readFileSync(snapshotFile));
    assert.equal(refused.status, 409);
    assert.equal(refused.body.reason, 'server_not_fresh');
    assert.equal(refused.body.keys, 3);
    assert.deepEqual((await stateOf(target!)).keys, now.keys);
    const upload = await target!.post('/api/system/restore/uploads', { size_bytes: 1000, sha256: 'a'.repeat(64) });
    assert.equal(upload.status, 409, 'nor does it take an upload for one');
    assert.deepEqual([upload.body.reason, upload.body.keys], ['server_not_fresh', 3]);
  });

  test('a snapshot uploaded in chunks restores exactly as one sent whole; damaged, mismatched or too late, it is refused the same way and changes nothing', async () => {
    await target!.dispose();
    target = undefined;
    removeAgentChains();
    const fresh = await AgentProcess.start({ dataDir: mkdtempSync(join(work, 'chunked-')) });
    target = fresh;
    const bytes = readFileSync(snapshotFile);
    const chunkBytes = Math.ceil(bytes.length / 3);
    const empty = await stateOf(fresh);

    const damaged = Buffer.from(bytes);
    damaged.fill(0x5a, 4096, 8192);
    const refusedDamaged = await restoreUpload(fresh, await uploadInChunks(fresh, damaged, chunkBytes));
    assert.equal(refusedDamaged.status, 400);
    assert.equal(refusedDamaged.body.reason, 'snapshot_damaged', JSON.stringify(refusedDamaged.body));
    const mismatched = await uploadInChunks(fresh, bytes, chunkBytes, sha256(damaged));
    const refusedMismatch = await restoreUpload(fresh, mismatched);
    assert.equal(refusedMismatch.status, 400);
    assert.deepEqual([refusedMismatch.body.reason, refusedMismatch.body.sha256], ['sha256_mismatch', sha256(bytes)]);
    assert.equal((await fresh.request('DELETE', `/api/system/restore/uploads/${mismatched}`)).status, 200);
    assert.deepEqual(await stateOf(fresh), empty);

    // A key made while the snapshot was on its way: refused as a whole restore is.
    const late = await uploadInChunks(fresh, bytes, chunkBytes);
    const intruder = (await fresh.post('/api/keys', { name: 'intruder' })).body;
    const refusedLate = await restoreUpload(fresh, late);
    assert.equal(refusedLate.status, 409);
    assert.deepEqual([refusedLate.body.reason, refusedLate.body.keys], ['server_not_fresh', 1]);
    assert.equal((await fresh.get(`/api/system/restore/uploads/${late}`)).status, 404, 'a restore tried takes the upload, as a whole body is taken');
    assert.equal((await fresh.request('DELETE', `/api/keys/${intruder.id}`)).status, 200);

    const restored = await restoreUpload(fresh, await uploadInChunks(fresh, bytes, chunkBytes));
    assert.equal(restored.status, 200, JSON.stringify(restored.body));
    assert.deepEqual(sameRestore(restored.body), sameRestore(restoredWhole));
    const after_ = await stateOf(fresh);
    const alice = before_.keys.find((key) => key.name === 'alice')!;
    assert.deepEqual(after_.keys, before_.keys.map((key) => (key.id === alice.id ? { ...key, port: 10004 } : key)));
    assert.deepEqual(after_.days, before_.days);
    assert.deepEqual(after_.settings, before_.settings);
    assert.deepEqual(JSON.parse(after_.reality), JSON.parse(before_.reality));
    assert.deepEqual(readdirSync(join(fresh.dataDir, 'uploads')), []);
    assert.deepEqual(readdirSync(fresh.dataDir).filter((name) => name.startsWith('restore-')), []);
  });
});
