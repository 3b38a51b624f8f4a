import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, test } from 'node:test';
import type { AgentProcess } from '../support/agent-process.ts';
import { suiteAgent } from '../support/suite-agent.ts';
import { FAKE_XRAY } from '../../../test-support/stand-in-xray.ts';
import { agentRules } from '../support/firewall.ts';
import { moveBytes, open, probeHeld } from '../../../test-support/tcp-traffic.ts';
import { waitFor } from '../../../test-support/wait.ts';

const KEY_FIELDS = ['created_at', 'data_limit_bytes', 'data_limit_reset', 'expires_at', 'id', 'is_active', 'name', 'note', 'period_started_at', 'port', 'status', 'subscription_url', 'used_bytes', 'uuid'];

const liveTags = (agent: AgentProcess): string[] =>
  JSON.parse(execFileSync(FAKE_XRAY, ['api', 'lsi', '-s', `127.0.0.1:${agent.xrayApiPort}`], { encoding: 'utf8' })).inbounds.map(
    (inbound: { tag: string }) => inbound.tag,
  );

describe('keys', () => {
  const agent = suiteAgent();

  test('a created key gets the first free port, is listed, readable, and served live by Xray', async () => {
    const created = await agent().post('/api/keys', { name: 'user@example.com' });
    assert.equal(created.status, 200);
    const key = created.body;
    assert.deepEqual(Object.keys(key).sort(), KEY_FIELDS);
    assert.equal(key.name, 'user@example.com');
    assert.equal(key.is_active, true);
    assert.equal(key.port, 10001);
    assert.match(key.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/);
    assert.notEqual(key.id, key.uuid);

    assert.deepEqual((await agent().get(`/api/keys/${key.id}`)).body, key);
    assert.ok((await agent().get('/api/keys')).body.some((listed: { id: string }) => listed.id === key.id));
    assert.ok(liveTags(agent()).includes(`keyport-${key.id}`));
    await moveBytes(key.port, 10, 10);
  });

  test('the config gives a Reality share link that matches the key and the server', async () => {
    const key = (await agent().post('/api/keys', { name: 'Иван Петров' })).body;
    const { status, body } = await agent().get(`/api/keys/${key.id}/config`);
    assert.equal(status, 200);
    assert.deepEqual(body.key, key);
    assert.equal(body.qr_code_data, body.vless_url);
    const url = new URL(body.vless_url);
    assert.equal(url.protocol, 'vless:');
    assert.equal(url.username, key.uuid);
    assert.equal(url.hostname, 'vpn.example.com');
    assert.equal(Number(url.port), key.port);
    const reality = (await agent().post('/api/system/verify-reality')).body.data;
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      encryption: 'none',
      security: 'reality',
      sni: 'www.example.com',
      fp: 'chrome',
      pbk: reality.public_key,
      sid: reality.short_ids[0],
      type: 'tcp',
      flow: 'xtls-rprx-vision',
    });
    assert.equal(decodeURIComponent(url.hash.slice(1)), 'Иван Петров');
  });

  test('a name may be any printable text, emoji too, and is stored in NFC', async () => {
    const created = await agent().post('/api/keys', { name: 'Мама 📱' });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.equal(created.body.name, 'Мама 📱');
    const hundredEmoji = await agent().post('/api/keys', { name: '👨‍👩‍👧‍👦'.repeat(100) });
    assert.equal(hundredEmoji.status, 200, JSON.stringify(hundredEmoji.body));
    const decomposed = await agent().post('/api/keys', { name: 'Ame\u0301lie' });
    assert.equal(decomposed.body.name, 'Amélie');
    const config = (await agent().get(`/api/keys/${created.body.id}/config`)).body;
    assert.equal(decodeURIComponent(new URL(config.vless_url).hash.slice(1)), 'Мама 📱');
  });

  test('a second key with a name already taken, in any case or Unicode form, gets 409 and nothing is created', async () => {
    const first = (await agent().post('/api/keys', { name: 'Amélie 2' })).body;
    const before = (await agent().get('/api/keys')).body.length;
    for (const name of ['Amélie 2', 'AMÉLIE 2', 'ame\u0301lie 2']) {
      const refused = await agent().post('/api/keys', { name });
      assert.equal(refused.status, 409, name);
      assert.deepEqual(refused.body, {
        status: 'error',
        reason: 'name_taken',
        key_id: first.id,
        detail: `a key named "${name.normalize('NFC')}" already exists on this server (id ${first.id})`,
      });
    }
    assert.equal((await agent().get('/api/keys')).body.length, before);
  });

  test('two creates racing with one name: one key, one 409', async () => {
    const before = (await agent().get('/api/keys')).body.length;
    const answers = await Promise.all(Array.from({ length: 8 }, () => agent().post('/api/keys', { name: 'racer' })));
    assert.deepEqual(answers.map((answer) => answer.status).sort(), [200, 409, 409, 409, 409, 409, 409, 409]);
    assert.equal((await agent().get('/api/keys')).body.length, before + 1);
  });

  test('a key can be renamed: its link follows, another key\'s name is refused, its own is fine', async () => {
    const key = (await agent().post('/api/keys', { name: 'before-rename' })).body;
    const other = (await agent().post('/api/keys', { name: 'someone else' })).body;
    const held = await open(key.port);

    const renamed = await agent().request('PATCH', `/api/keys/${key.id}`, { name: 'Папа 💻' });
    assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
    assert.deepEqual(renamed.body, { ...key, name: 'Папа 💻' });
    assert.deepEqual((await agent().get(`/api/keys/${key.id}`)).body, renamed.body);
    const config = (await agent().get(`/api/keys/${key.id}/config`)).body;
    assert.equal(decodeURIComponent(new URL(config.vless_url).hash.slice(1)), 'Папа 💻');
    assert.equal((await agent().get(`/api/keys/${key.id}/traffic/simple`)).body.data.name, 'Папа 💻');
    assert.equal(await probeHeld(held), 'open', 'a rename leaves the key’s connections alone');
    held.destroy();

    const clash = await agent().request('PATCH', `/api/keys/${key.id}`, { name: 'SOMEONE ELSE', is_active: false });
    assert.equal(clash.status, 409);
    assert.equal(clash.body.key_id, other.id);
    assert.deepEqual((await agent().get(`/api/keys/${key.id}`)).body, renamed.body, 'a refused rename changes nothing');

    assert.equal((await agent().request('PATCH', `/api/keys/${key.id}`, { name: 'папа 💻' })).body.name, 'папа 💻');
    const both = await agent().request('PATCH', `/api/keys/${key.id}`, { name: 'before-rename', is_active: false });
    assert.deepEqual(both.body, { ...key, is_active: false, status: 'disabled' });
    assert.ok(!liveTags(agent()).includes(`keyport-${key.id}`));
    assert.equal((await agent().post('/api/keys', { name: 'Папа 💻' })).status, 200, 'the old name is free again');
  });

  test('adding and deleting keys applies live: other users stay connected and Xray is not restarted', async () => {
    const first = (await agent().post('/api/keys', { name: 'stays-connected' })).body;
    const held = await open(first.port);
    const xrayBefore = agent().xrayPid();
    assert.ok(xrayBefore);
    const second = (await agent().post('/api/keys', { name: 'comes-and-goes' })).body;
    assert.equal((await agent().request('DELETE', `/api/keys/${second.id}`)).status, 200);
    assert.equal(await probeHeld(held), 'open');
    assert.equal(agent().xrayPid(), xrayBefore);
    held.destroy();
  });

  test('disabling a key cuts its live connection at once, keeps its port, and enabling restores it', async () => {
    const key = (await agent().post('/api/keys', { name: 'to-disable' })).body;
    const held = await open(key.port);
    assert.equal(await probeHeld(held), 'open');

    const disabled = await agent().request('PATCH', `/api/keys/${key.id}`, { is_active: false });
    assert.equal(disabled.status, 200);
    assert.equal(disabled.body.is_active, false);
    assert.equal(disabled.body.port, key.port);
    assert.ok(['reset', 'closed'].includes(await probeHeld(held)), 'the held connection must be cut');
    assert.ok(!liveTags(agent()).includes(`keyport-${key.id}`));
    await assert.rejects(moveBytes(key.port, 1, 1, 1_000));
    assert.ok(agentRules().includes(`blocked port ${key.port}`));

    const enabled = await agent().request('PATCH', `/api/keys/${key.id}`, { is_active: true });
    assert.equal(enabled.body.is_active, true);
    assert.ok(liveTags(agent()).includes(`keyport-${key.id}`));
    await moveBytes(key.port, 5, 5);
    assert.ok(!agentRules().includes(`blocked port ${key.port}`));
  });

  test('deleting a key removes its inbound, its firewall rules and frees its port for the next key', async () => {
    const key = (await agent().post('/api/keys', { name: 'to-delete' })).body;
    assert.ok(agentRules().some((rule) => rule.includes(`port ${key.port}`)));
    const deleted = await agent().request('DELETE', `/api/keys/${key.id}`);
    assert.deepEqual(deleted, { status: 200, body: { message: 'Key deleted successfully' } });
    assert.equal((await agent().get(`/api/keys/${key.id}`)).status, 404);
    assert.ok(!agentRules().some((rule) => rule.includes(`port ${key.port}`)));
    assert.ok(!liveTags(agent()).includes(`keyport-${key.id}`));
    const next = (await agent().post('/api/keys', { name: 'reuses-port' })).body;
    assert.equal(next.port, key.port);
  });

  test('50 keys created concurrently get 50 distinct ports, all with rules and inbounds', async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, index) => agent().post('/api/keys', { name: `bulk-${index}` })),
    );
    assert.ok(responses.every((response) => response.status === 200));
    const ports = responses.map((response) => response.body.port);
    assert.equal(new Set(ports).size, 50);
    const tags = new Set(liveTags(agent()));
    assert.ok(responses.every((response) => tags.has(`keyport-${response.body.id}`)));
    const status = await waitFor('config in sync', async () => {
      const { body } = await agent().get('/api/system/config-status');
      return body.data.in_sync ? body.data : undefined;
    });
    assert.equal(status.firewall.in_sync, true);
  });

  test('a port something else listens on is never handed to a key', async () => {
    const taken = new Set((await agent().get('/api/system/ports')).body.data.assignments.map((entry: { port: number }) => entry.port));
    let lowestFree = 10001;
    while (taken.has(lowestFree)) lowestFree += 1;
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(lowestFree, '0.0.0.0', resolve));
    try {
      const key = (await agent().post('/api/keys', { name: 'skips-busy-port' })).body;
      assert.notEqual(key.port, lowestFree);
      assert.ok(key.port > lowestFree);
    } finally {
      squatter.close();
    }
  });
});
