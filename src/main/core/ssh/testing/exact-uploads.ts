import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RemoteHost } from '../remote-host.ts';

/** The test's own reach into the server (e2e/harness's TestServer), not SSH. */
interface ServerFiles {
  readonly dir: string;
  exec(command: string, args: string[]): string;
}

/**
 * Uploads random files of each size to `<server>/release/agent bundle.mjs` and asserts each arrives
 * byte for byte, mode 750 and owned by root, leaving no staging or partial file; returns the
 * release directory.
 */
export async function assertUploadsExact(host: RemoteHost, server: ServerFiles, localDir: string, sizes: readonly number[]): Promise<string> {
  const remoteDir = join(server.dir, 'release');
  await host.check(`mkdir -p ${remoteDir}`);
  const remotePath = join(remoteDir, 'agent bundle.mjs');
  for (const size of sizes) {
    const content = randomBytes(size);
    const localPath = join(localDir, 'bundle.mjs');
    writeFileSync(localPath, content);
    await host.upload(localPath, remotePath, 0o750);
    assert.equal(server.exec('sha256sum', [remotePath]).split(' ')[0], createHash('sha256').update(content).digest('hex'));
    assert.equal(server.exec('stat', ['-c', '%a %U', remotePath]).trim(), '750 root');
  }
  assert.deepEqual(server.exec('ls', ['-A', remoteDir]).trim().split('\n'), ['agent bundle.mjs'], 'no staging or partial files left');
  return remoteDir;
}
