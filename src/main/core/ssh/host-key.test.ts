import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Client } from 'ssh2';
import { TestServer } from '../../../../e2e/harness/test-server.ts';
import { suiteFixture } from '../../../../test-support/suite-fixture.ts';
import { freePort } from '../../../../test-support/tcp-traffic.ts';
import { fingerprintOf } from './host-key.ts';

const sshKeygenFingerprint = (pubPath: string) =>
  execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubPath], { encoding: 'utf8' }).split(' ')[1]!;
const blobOf = (pubPath: string) => Buffer.from(readFileSync(pubPath, 'utf8').split(' ')[1]!, 'base64');

describe('fingerprintOf', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyport-host-key-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [type, keyType] of [['ed25519', 'ssh-ed25519'], ['ecdsa', 'ecdsa-sha2-nistp256'], ['rsa', 'ssh-rsa']] as const) {
    test(`matches ssh-keygen -l -E sha256 for an ${type} key and names its type`, () => {
      const path = join(dir, type);
      execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', path]);
      assert.deepEqual(fingerprintOf(blobOf(`${path}.pub`)), { fingerprint: sshKeygenFingerprint(`${path}.pub`), keyType });
    });
  }

  test('refuses bytes that are not a key blob', () => {
    assert.throws(() => fingerprintOf(Buffer.from([0, 0, 0, 50, 1, 2])), /not an SSH public key blob/);
    assert.throws(() => fingerprintOf(Buffer.alloc(2)), /not an SSH public key blob/);
  });

  describe("the test server's host key, as ssh2 receives it", () => {
    const suite = suiteFixture(async () => TestServer.create(await freePort()), (server) => server.destroy());

    test('equals what ssh-keygen prints for the key file', async () => {
      const server = suite();
      const received = await new Promise<Buffer>((resolve, reject) => {
        const client = new Client();
        let key: Buffer | undefined;
        const done = () => (key ? resolve(key) : reject(new Error('no host key received')));
        client.on('error', done).on('close', done);
        client.connect({
          host: '127.0.0.1',
          port: server.sshPort,
          username: 'root',
          hostVerifier: (presented: Buffer) => {
            key = presented;
            return false;
          },
        });
      });
      const expected = sshKeygenFingerprint(join(server.dir, 'host_ed25519.pub'));
      assert.equal(expected, server.hostKeyFingerprint);
      assert.deepEqual(fingerprintOf(received), { fingerprint: expected, keyType: 'ssh-ed25519' });
    });
  });
});
