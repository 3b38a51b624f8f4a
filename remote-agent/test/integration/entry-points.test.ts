import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { AgentProcess } from '../support/agent-process.ts';
import { removeAgentChains } from '../support/firewall.ts';

const REPO = resolve(import.meta.dirname, '../../..');

test('npm run agent starts the agent on the pinned Node 24 runtime', () => {
  const usage = execFileSync('npm', ['run', '--silent', 'agent', '--', '--help'], { cwd: REPO, encoding: 'utf8' });
  assert.match(usage, /--listen HOST:PORT/);
  const version = execFileSync(join(REPO, 'scripts/node24'), ['--version'], { encoding: 'utf8' });
  assert.match(version, /^v24\./);
});

test('npm run build makes one file that runs as the agent with only the Node runtime beside it', async () => {
  execFileSync('npm', ['run', '--silent', 'build:agent'], { cwd: REPO, stdio: 'pipe' });
  const lonely = mkdtempSync(join(tmpdir(), 'keyport-bundle-'));
  const bundle = join(lonely, 'keyport-agent.mjs');
  copyFileSync(join(REPO, 'out/agent/keyport-agent.mjs'), bundle);
  assert.ok(statSync(bundle).size > 100_000);

  removeAgentChains();
  const agent = await AgentProcess.start({ entry: bundle });
  try {
    const created = await agent.post('/api/keys', { name: 'from-the-bundle' });
    assert.equal(created.status, 200);
    assert.equal((await agent.get(`/api/keys/${created.body.id}/config`)).status, 200);
    assert.doesNotMatch(agent.output, /Warning|DEP\d/, 'the agent starts without deprecation or other warnings on stderr');
  } finally {
    await agent.dispose();
  }
});
