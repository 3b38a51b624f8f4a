import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';

const BIN = resolve(import.meta.dirname, '../../../bin/keyport');
const dir = mkdtempSync(join(tmpdir(), 'keyport-bin-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function run(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(command, args, { env: { ...process.env, KEYPORT_HOME: join(dir, 'home') } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

test('bin/keyport runs the CLI, also through a symlink from elsewhere (as npm links bins)', async () => {
  const link = join(dir, 'keyport');
  symlinkSync(BIN, link);
  for (const command of [BIN, link]) {
    const help = await run(command, ['help']);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /Exit codes/);
  }
});

test('a usage error exits 2 from the real process', async () => {
  const result = await run(BIN, ['keys', 'list']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^keyport: missing SERVER\nusage:/);
});

test("npm link puts keyport on PATH, as the README says (npm's global bin, in a prefix of the test's own)", async () => {
  const prefix = join(dir, 'npm-prefix');
  const linked = await promisify(execFile)('npm', ['link', '--no-audit', '--no-fund'], {
    cwd: resolve(import.meta.dirname, '../../..'),
    env: { ...process.env, npm_config_prefix: prefix },
  });
  assert.match(linked.stdout, /added 1 package/);
  const onPath = await promisify(execFile)('keyport', ['help'], { cwd: dir, env: { ...process.env, PATH: `${join(prefix, 'bin')}:${process.env.PATH}`, KEYPORT_HOME: join(dir, 'home') } });
  assert.match(onPath.stdout, /Exit codes/);
});
