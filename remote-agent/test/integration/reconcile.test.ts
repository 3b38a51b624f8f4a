import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { suiteAgent } from '../support/suite-agent.ts';
import { FAKE_XRAY } from '../../../test-support/stand-in-xray.ts';
import { changeElement } from '../support/firewall.ts';
import { disagreements, liveInboundTags, runHere, type ListedKey } from '../../../test-support/key-agreement.ts';
import { waitFor } from '../../../test-support/wait.ts';

const ORPHAN_PORT = 10950;
const ORPHAN_RULE_PORT = 10951;
const FOREIGN_PORT = 10952;
const ORPHAN_TX_PORT = 10953;

describe('the periodic reconcile', () => {
  const agent = suiteAgent({ reconcileCycles: 2 });

  const api = () => `127.0.0.1:${agent().xrayApiPort}`;
  const configStatus = async () => (await agent().get('/api/system/config-status')).body.data;

  /** Adds an inbound through Xray's API behind the agent's back: a copy of `template` with a new tag and port. */
  function addInboundBehindTheAgent(template: { port: number }, tag: string, port: number): void {
    const config = JSON.parse(readFileSync(agent().xrayConfigPath, 'utf8'));
    const inbound = config.inbounds.find((candidate: { port: number }) => candidate.port === template.port);
    const file = join(agent().dataDir, `hand-made-${port}.json`);
    writeFileSync(file, JSON.stringify({ inbounds: [{ ...inbound, tag, port }] }));
    execFileSync(FAKE_XRAY, ['api', 'adi', '-s', api(), file], { encoding: 'utf8' });
  }

  test('removes inbounds and rules no key owns, puts back what a key lacks, and says so in config-status and the log', async () => {
    const active: ListedKey & { uuid: string } = (await agent().post('/api/keys', { name: 'reconcile active' })).body;
    const disabled: ListedKey = (await agent().post('/api/keys', { name: 'reconcile disabled' })).body;
    assert.equal((await agent().request('PATCH', `/api/keys/${disabled.id}`, { is_active: false })).status, 200);

    const orphanTag = 'keyport-00000000-0000-4000-8000-00000000dead';
    // Key changes reach the file coalesced; config-status flushes it, so the file read below has the key.
    await configStatus();
    addInboundBehindTheAgent(active, orphanTag, ORPHAN_PORT);
    addInboundBehindTheAgent(active, 'admin-own', FOREIGN_PORT);
    changeElement('add', 'rx', ORPHAN_RULE_PORT);
    changeElement('add', 'tx', ORPHAN_TX_PORT);
    execFileSync(FAKE_XRAY, ['api', 'rmi', '-s', api(), `keyport-${active.id}`]);
    changeElement('delete', 'blocked', disabled.port);

    const summary = (changes: Array<{ kind: string; tag: string | null; port: number | null }>) =>
      changes.map((change) => `${change.kind} ${change.tag ?? change.port}`).sort();
    // The changes above may straddle a run: wait until the runs since have seen all five.
    const status = await waitFor(
      'reconciles that removed the three orphans and put back the two things the keys lacked',
      async () => {
        const data = await configStatus();
        return data.reconcile && summary(data.reconcile.removed).length + summary(data.reconcile.restored).length >= 5 ? data : undefined;
      },
      15_000,
    );
    assert.equal(status.reconcile.every_cycles, 2);
    assert.equal(status.reconcile.last_run_ok, true);
    assert.match(status.reconcile.last_run_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/);
    // A port is reported once, whichever of its sets it was in: rx alone, or tx alone.
    assert.deepEqual(summary(status.reconcile.removed), [`firewall_rules ${ORPHAN_RULE_PORT}`, `firewall_rules ${ORPHAN_TX_PORT}`, `inbound ${orphanTag}`]);
    assert.deepEqual(summary(status.reconcile.restored), [`firewall_rules ${disabled.port}`, `inbound keyport-${active.id}`]);
    assert.ok(status.reconcile.removed.every((change: { detail: string }) => /no (active )?key owns (it|them)$/.test(change.detail)));

    const keys: ListedKey[] = (await agent().get('/api/keys')).body;
    assert.deepEqual(disagreements(keys, api()), []);
    assert.ok(liveInboundTags(api(), runHere).includes('admin-own'), 'an inbound that is not ours is left alone');
    assert.equal((await configStatus()).in_sync, true);

    assert.match(agent().output, new RegExp(`reconcile: removed .*inbound ${orphanTag} was live: no active key owns it`));
    assert.match(agent().output, new RegExp(`reconcile: removed .*rules for port ${ORPHAN_RULE_PORT}: no key owns them`));
    assert.match(agent().output, new RegExp(`reconcile: restored .*inbound keyport-${active.id}`));
    assert.ok(!agent().output.includes(active.uuid), 'the log never carries a key\'s uuid');
    assert.ok(!agent().output.includes(agent().apiKey), 'nor the API key');
  });
});
