// Fault: the agent's database is lost (0 bytes after disk trouble or a bad restore) or damaged
// (a bad page), beside the Reality keys, the Xray config and the firewall rules of its keys.
// Promise: the agent refuses to start and changes nothing (config, rules, files), saying what it
// found and which flag to start with; a damaged page is a start-up error, not 500s later; the
// agent's own daily backup brings the keys back with --restore-backup.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { damagePage } from '../../test-support/damage-page.ts';
import { agentSetsByPort, runInNamespace } from '../../test-support/key-agreement.ts';
import { AgentRun, TestNamespace } from '../support/agent-in-namespace.ts';

const EXIT_START_REFUSED = 3;
const KEY_NAMES = ['alice', 'bob', 'carol'];

describe('a lost or damaged agent database', { timeout: 90_000 }, () => {
  const namespace = TestNamespace.create();
  const dataDir = mkdtempSync(join(tmpdir(), 'keyport-fault-db-'));
  const apiKey = 'k'.repeat(43);
  let agent: AgentRun | undefined;
  let keyIds: string[] = [];
  const file = (name: string) => join(dataDir, name);
  const rules = () => JSON.stringify([...agentSetsByPort(runInNamespace(namespace.name))].sort(([a], [b]) => a - b));
  const inboundTags = () => (JSON.parse(readFileSync(file('xray-config.json'), 'utf8')).inbounds as Array<{ tag: string }>).map((inbound) => inbound.tag).sort();
  const newestBackup = () => join(dataDir, 'backups', readdirSync(join(dataDir, 'backups')).filter((name) => name.endsWith('.db')).sort().at(-1)!);
  const serve = async (extraFlags: string[] = []) => {
    agent = await AgentRun.serve(namespace, { dataDir, apiKey, extraFlags });
    return agent;
  };
  const stop = async () => {
    await agent?.stop();
    agent = undefined;
  };

  before(async () => {
    await serve();
    for (const name of KEY_NAMES) {
      const created = await agent!.request('POST', '/api/keys', { name });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      keyIds.push(created.body.id);
    }
    keyIds = keyIds.sort();
    // The first start backed up the new, empty database; a start a day later takes one with the keys.
    await stop();
    rmSync(join(dataDir, 'backups'), { recursive: true });
    await serve();
    await waitForFile(() => readdirSync(join(dataDir, 'backups')).some((name) => name.endsWith('.db')));
    await stop();
  });

  after(async () => {
    await stop();
    namespace.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('a 0-byte database beside the Xray config of 3 keys: refused, exit 3, nothing rewritten', async () => {
    assert.equal(inboundTags().length, KEY_NAMES.length);
    truncateSync(file('keyport.db'), 0);
    const before = { config: readFileSync(file('xray-config.json')), reality: readFileSync(file('reality-keys.json')), rules: rules(), files: listing(dataDir) };

    const run = await AgentRun.runToExit(namespace, { dataDir, apiKey });
    assert.equal(run.exitCode, EXIT_START_REFUSED, run.output);
    assert.match(run.output, /refuses to start: the database .*keyport\.db is empty \(0 bytes\), but the data dir shows it held keys/);
    assert.match(run.output, /serves 3 key\(s\) of ours/);
    assert.match(run.output, /--restore-backup .*backups\//);
    assert.match(run.output, /--start-empty/);

    assert.deepEqual(readFileSync(file('xray-config.json')), before.config, 'the Xray config is untouched');
    assert.deepEqual(readFileSync(file('reality-keys.json')), before.reality);
    assert.equal(rules(), before.rules, 'the firewall rules of the keys are untouched');
    assert.deepEqual(listing(dataDir), before.files, 'no file of the data dir was written');
  });

  test('--restore-backup with the agent\'s own backup brings the keys back; the 0-byte file is kept aside', async () => {
    await serve(['--restore-backup', newestBackup()]);
    const listed = await agent!.request('GET', '/api/keys');
    assert.deepEqual(listed.body.map((key: { id: string }) => key.id).sort(), keyIds);
    assert.deepEqual(inboundTags(), keyIds.map((id) => `keyport-${id}`).sort());
    const aside = readdirSync(dataDir).filter((name) => /^keyport\.db\.replaced-\d{8}T\d{6}Z$/.test(name));
    assert.equal(aside.length, 1);
    assert.equal(statSync(file(aside[0]!)).size, 0);
    await stop();
  });

  test('a damaged page: a clear start-up error naming the damage and the way back, not 500s later', async () => {
    damagePage(file('keyport.db'), 3);
    const before = { config: readFileSync(file('xray-config.json')), rules: rules() };
    const run = await AgentRun.runToExit(namespace, { dataDir, apiKey });
    assert.equal(run.exitCode, EXIT_START_REFUSED, run.output);
    assert.match(run.output, /refuses to start: the database .*keyport\.db is damaged: /);
    assert.match(run.output, /--restore-backup/);
    assert.deepEqual(readFileSync(file('xray-config.json')), before.config);
    assert.equal(rules(), before.rules);

    await serve(['--restore-backup', newestBackup()]);
    assert.deepEqual((await agent!.request('GET', '/api/keys')).body.map((key: { id: string }) => key.id).sort(), keyIds);
    await stop();
  });

  test('a backup that is not a database of ours is refused and changes nothing', async () => {
    const run = await AgentRun.runToExit(namespace, { dataDir, apiKey, extraFlags: ['--restore-backup', file('xray-config.json')] });
    assert.equal(run.exitCode, EXIT_START_REFUSED, run.output);
    assert.match(run.output, /--restore-backup .*xray-config\.json: damaged or not a database \(file is not a database\); nothing was changed/);
    await serve();
    assert.equal((await agent!.request('GET', '/api/keys')).body.length, KEY_NAMES.length);
    await stop();
  });

  test('--start-empty starts with no keys on purpose', async () => {
    truncateSync(file('keyport.db'), 0);
    await serve(['--start-empty']);
    assert.deepEqual((await agent!.request('GET', '/api/keys')).body, []);
    assert.deepEqual(inboundTags(), []);
    await stop();
  });
});

/** Every file under dir with its size and mtime. */
function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((name) => {
      const info = statSync(join(dir, name));
      return `${name} ${info.isFile() ? `${info.size} ${info.mtimeMs}` : 'dir'}`;
    });
}

async function waitForFile(present: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!present()) {
    if (Date.now() > deadline) throw new Error('no backup within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
