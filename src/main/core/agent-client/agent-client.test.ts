import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Duplex } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { FAKE_XRAY } from '../../../../test-support/stand-in-xray.ts';
import { waitFor } from '../../../../test-support/wait.ts';
import { KeyportError } from '../../../shared/contract/errors.ts';
import { AgentClient } from './agent-client.ts';

const REPO = resolve(import.meta.dirname, '../../../..');
const NAMESPACE = `keyport-client-${process.pid}`;
const AGENT_PORT = 8000;
const API_KEY = randomBytes(32).toString('base64url');

/** A stream into the namespace's loopback, as an ssh2 `forwardOut` channel would be: socat carries it. */
function openStream(): Promise<Duplex> {
  const socat = spawn('ip', ['netns', 'exec', NAMESPACE, 'socat', 'STDIO', `TCP:127.0.0.1:${AGENT_PORT}`], {
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const stream = Duplex.from({ readable: socat.stdout, writable: socat.stdin });
  stream.once('close', () => {
    if (socat.exitCode === null && socat.signalCode === null) socat.kill('SIGTERM');
  });
  return Promise.resolve(stream);
}

/** A stream that takes every byte and never answers. */
function silentStream(): Duplex {
  return new Duplex({
    read() {},
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

async function rejectsWith(promise: Promise<unknown>, code: KeyportError['code']): Promise<KeyportError> {
  const error = await promise.then(
    () => assert.fail(`expected a ${code} error`),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof KeyportError, `not a KeyportError: ${String(error)}`);
  assert.equal(error.code, code, error.message);
  return error;
}

describe('AgentClient against the real agent', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyport-client-'));
  const client = new AgentClient({ openStream, apiKey: API_KEY });
  let agent: ChildProcess | undefined;
  let agentOutput = '';

  before(async () => {
    execFileSync('ip', ['netns', 'add', NAMESPACE]);
    execFileSync('ip', ['netns', 'exec', NAMESPACE, 'ip', 'link', 'set', 'lo', 'up']);
    const flags = [
      '--listen', `127.0.0.1:${AGENT_PORT}`,
      '--data-dir', dataDir,
      '--xray-bin', FAKE_XRAY,
      '--sample-interval', '0.5',
      '--public-host', 'test.example',
    ];
    agent = spawn('ip', ['netns', 'exec', NAMESPACE, join(REPO, 'scripts/node24'), join(REPO, 'remote-agent/src/main.ts'), ...flags], {
      env: { ...process.env, KEYPORT_API_KEY: API_KEY, KEYPORT_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    agent.stdout?.on('data', (chunk: Buffer) => (agentOutput += chunk.toString()));
    agent.stderr?.on('data', (chunk: Buffer) => (agentOutput += chunk.toString()));
    const quickClient = new AgentClient({ openStream, apiKey: API_KEY, timeoutMs: 2_000 });
    await waitFor(
      'the agent API',
      async () => {
        if (agent?.exitCode !== null) throw new Error(`the agent exited: ${agentOutput}`);
        return await quickClient.listKeys();
      },
      20_000,
    );
  });

  after(async () => {
    const child = agent;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
      child.kill('SIGTERM');
      await exited;
    }
    stopXrayOf(dataDir);
    execFileSync('ip', ['netns', 'del', NAMESPACE]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates, lists, reads, shares, disables, enables and deletes a key', async () => {
    const created = await client.createKey('alice@example.com');
    assert.equal(created.name, 'alice@example.com');
    assert.equal(created.is_active, true);
    assert.ok(created.port >= 10001);

    const listed = await client.listKeys();
    assert.deepEqual(listed.find((key) => key.id === created.id), created);
    assert.deepEqual(await client.getKey(created.id), created);

    const config = await client.getKeyConfig(created.id);
    assert.deepEqual(config.key, created);
    assert.match(config.vless_url, new RegExp(`^vless://${created.uuid}@test\\.example:${created.port}\\?`));
    assert.equal(config.qr_code_data, config.vless_url);

    assert.equal((await client.updateKey(created.id, { is_active: false })).is_active, false);
    assert.equal((await client.getKey(created.id)).is_active, false);
    assert.equal((await client.updateKey(created.id, { is_active: true })).is_active, true);

    assert.deepEqual(await client.deleteKey(created.id), { message: 'Key deleted successfully' });
    await rejectsWith(client.getKey(created.id), 'not-found');
  });

  it('uploads a snapshot in chunks: a chunk at another offset is bad-input saying where the upload stands; a server with keys takes none', async () => {
    const upload = (await client.createRestoreUpload(10, createHash('sha256').update('0123456789').digest('hex'))).data;
    assert.equal((await client.putRestoreUploadChunk(upload.upload_id, 0, Buffer.from('01234'))).data.received_bytes, 5);
    const ahead = await rejectsWith(client.putRestoreUploadChunk(upload.upload_id, 7, Buffer.from('789')), 'bad-input');
    assert.deepEqual(ahead.facts, { httpStatus: 409, reason: 'offset_mismatch', receivedBytes: 5 });
    assert.equal((await client.getRestoreUpload(upload.upload_id)).data.received_bytes, 5);
    await client.deleteRestoreUpload(upload.upload_id);
    await rejectsWith(client.getRestoreUpload(upload.upload_id), 'not-found');
    const key = await client.createKey('not fresh');
    const refused = await rejectsWith(client.createRestoreUpload(10, 'a'.repeat(64)), 'server-not-fresh');
    assert.deepEqual(refused.facts, { httpStatus: 409, keys: 1 });
    await client.deleteKey(key.id);
  });

  it('creates many keys at once, in the order of the names, and maps a bad list to bad-input', async () => {
    const created = await client.createKeys(['many 1', 'many 2', 'many 3']);
    assert.deepEqual(created.map((key) => key.name), ['many 1', 'many 2', 'many 3']);
    const listed = await client.listKeys();
    for (const key of created) assert.deepEqual(listed.find((entry) => entry.id === key.id), key);
    const error = await rejectsWith(client.createKeys(['many 4', 'MANY 4']), 'bad-input');
    assert.match(error.message, /names\[1\] is the same name as names\[0\]/);
    await rejectsWith(client.createKeys(['many 5', 'Many 1']), 'name-taken');
    assert.equal((await client.listKeys()).length, listed.length, 'nothing was created by the refused lists');
    for (const key of created) await client.deleteKey(key.id);
  });

  it('creates keys with limits, one and many, changes them, and maps a refused limit to bad-input naming its field', async () => {
    const limited = await client.createKey('limits 1', { data_limit_bytes: 5_000_000, data_limit_reset: 'month', expires_at: '2099-03-01T00:00:00.000000', note: 'Мама 📱' });
    assert.deepEqual(
      [limited.data_limit_bytes, limited.data_limit_reset, limited.expires_at, limited.note, limited.status, limited.used_bytes],
      [5_000_000, 'month', '2099-03-01T00:00:00.000000', 'Мама 📱', 'active', 0],
    );
    assert.notEqual(limited.period_started_at, null);
    const cleared = await client.updateKey(limited.id, { data_limit_bytes: null, expires_at: null, note: '' });
    assert.deepEqual([cleared.data_limit_bytes, cleared.expires_at, cleared.note, cleared.period_started_at], [null, null, '', null]);
    const expired = await client.updateKey(limited.id, { expires_at: '2001-01-01T00:00:00.000000' });
    assert.equal(expired.status, 'expired');

    const shared = await client.createKeys({ names: ['limits 2', 'limits 3'], data_limit_bytes: 1024 });
    assert.deepEqual(shared.map((key) => key.data_limit_bytes), [1024, 1024]);
    const rows = await client.createKeys({ keys: [{ name: 'limits 4', note: 'a' }, { name: 'limits 5', data_limit_bytes: 0 }] });
    assert.deepEqual(rows.map((key) => [key.note, key.data_limit_bytes, key.status]), [['a', null, 'active'], ['', 0, 'limited']]);

    const refused = await rejectsWith(client.updateKey(limited.id, { expires_at: '2027-02-30T00:00:00' }), 'bad-input');
    assert.equal(refused.facts.field, 'expires_at');
    for (const key of [limited, ...shared, ...rows]) await client.deleteKey(key.id);
  });

  it('reads live traffic, history, days and months of a key', async () => {
    const key = await client.createKey('bob');
    const live = await client.getLiveTraffic();
    assert.equal(live.status, 'success');
    assert.equal(live.data.ports[String(key.port)]?.key_id, key.id);
    const keyLive = await client.getKeyLiveTraffic(key.id);
    assert.equal(keyLive.data.port, key.port);
    assert.equal((await client.resetKeyLiveTraffic(key.id)).key_id, key.id);

    const history = await client.getTrafficHistory();
    assert.ok(history.data.keys.some((entry) => entry.key_id === key.id));
    const keyHistory = await client.getKeyTrafficHistory(key.id);
    assert.equal(keyHistory.data.key_uuid, key.uuid);
    assert.equal(typeof keyHistory.data.daily_stats, 'object');
    assert.equal((await client.resetKeyTrafficHistory(key.id)).key_id, key.id);
    assert.equal((await client.cleanupTrafficHistory(90)).days_kept, 90);

    const day = await client.getDailyTraffic(today());
    assert.equal(day.data.date, today());

    const month = await client.getMonthlyTraffic('2025-08');
    assert.equal(month.data.year_month, '2025-08');
    assert.ok(month.data.keys.some((entry) => entry.key_id === key.id));
    const currentMonth = await client.getMonthlyTraffic();
    assert.equal(currentMonth.data.year_month, today().slice(0, 7));
    const keyMonth = await client.getKeyMonthlyTraffic(key.id, '2025-08');
    assert.equal(keyMonth.data.year_month, '2025-08');
    assert.deepEqual(keyMonth.data.daily_breakdown, {});
  });

  it('reads the system status and the OpenAPI document', async () => {
    const status = await client.getConfigStatus();
    assert.equal(status.status, 'success');
    assert.equal(typeof status.data.in_sync, 'boolean');
    assert.equal(typeof status.data.firewall.available, 'boolean');
    assert.equal((await client.getPorts()).data.range.from, 10001);
    assert.equal((await client.getTrafficSummary()).status, 'success');

    const openApi = await client.getOpenApiDocument();
    assert.equal(openApi.openapi, '3.0.3');
    assert.ok(Object.keys(openApi.paths as object).includes('/api/keys/{key_id}'));
  });

  it('maps an unknown key id to not-found', async () => {
    const error = await rejectsWith(client.getKeyConfig(randomUUID()), 'not-found');
    assert.match(error.message, /not found/);
    assert.equal(error.facts.httpStatus, 404);
  });

  it('maps a bad name to bad-input with the agent’s detail', async () => {
    const error = await rejectsWith(client.createKey(' leading space'), 'bad-input');
    assert.match(error.message, /name must be 1-100 characters/);
    assert.equal(error.facts.httpStatus, 400);
  });

  it('encodes path parameters, so an id cannot reach another route', async () => {
    const error = await rejectsWith(client.getKey('../keys'), 'not-found');
    assert.equal(error.message, 'Key ../keys not found');
  });

  it('renames a key, and maps a name another key has to name-taken with that key’s id', async () => {
    const dora = await client.createKey('dora');
    const erik = await client.createKey('erik');
    assert.deepEqual(await client.updateKey(erik.id, { name: 'Эрик 📱' }), { ...erik, name: 'Эрик 📱' });
    const error = await rejectsWith(client.updateKey(erik.id, { name: 'DORA' }), 'name-taken');
    assert.deepEqual(error.facts, { httpStatus: 409, name: 'DORA', holderKeyId: dora.id });
    await rejectsWith(client.createKey('Dora'), 'name-taken');
  });

  it('maps a refused API key to agent-error without showing any key', async () => {
    const wrongKey = randomBytes(32).toString('base64url');
    const error = await rejectsWith(new AgentClient({ openStream, apiKey: wrongKey }).listKeys(), 'agent-error');
    assert.equal(error.message, 'the agent refused the API key');
    assert.equal(error.facts.httpStatus, 401);
    const shown = `${error.message} ${error.stack} ${JSON.stringify(error.facts)}`;
    assert.ok(!shown.includes(wrongKey) && !shown.includes(API_KEY));
  });

  it('serves 200 concurrent calls, each over its own stream', async () => {
    const key = await client.createKey('carol');
    const answers = await Promise.all(Array.from({ length: 200 }, () => client.getKey(key.id)));
    assert.ok(answers.every((answer) => answer.id === key.id));
  });
});

describe('AgentClient without a working agent', () => {
  it('fails a call the stream never answers with a timeout naming the call', async () => {
    const stream = silentStream();
    const client = new AgentClient({ openStream: async () => stream, apiKey: API_KEY, timeoutMs: 200 });
    const error = await rejectsWith(client.getKey('0b7e9d3c-0000-4000-8000-000000000000'), 'agent-error');
    assert.equal(error.message, 'the agent did not answer GET /api/keys/0b7e9d3c-0000-4000-8000-000000000000 within 200 ms');
    assert.ok(stream.destroyed, 'the stream is closed after the timeout');
  });

  it('passes the opener’s error through when no stream can be opened', async () => {
    const offline = new KeyportError('server-offline', 'server a is offline');
    const client = new AgentClient({ openStream: () => Promise.reject(offline), apiKey: API_KEY });
    await assert.rejects(client.listKeys(), (error) => error === offline);
  });
});

/** The agent leaves its stand-in Xray running on SIGTERM; stop that one (by its pid file) too. */
function stopXrayOf(dir: string): void {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(join(dir, 'xray.pid'), 'utf8'), 10);
  } catch {
    return;
  }
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
}
