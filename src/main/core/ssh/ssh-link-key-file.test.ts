import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isKeyportError } from '../../../shared/contract/errors.ts';
import { freePort } from '../../../../test-support/tcp-traffic.ts';
import { SshLink, type SshCredentials } from './ssh-link.ts';

/**
 * A key ssh2 cannot use is found before any connection (ssh2 parses it first): said as such, not
 * as a server that does not answer, and with no "tries again", since no retry would change it.
 */
describe('an SshLink with a key it cannot use', () => {
  let dir: string;
  let port: number;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keyport-link-key-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'right horse battery', '-f', join(dir, 'locked')]);
    // Nothing listens there: a key that got as far as connecting would fail as server-offline.
    port = await freePort();
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  const link = (credentials: SshCredentials) =>
    new SshLink({ endpoint: { host: '127.0.0.1', port, user: 'root' }, credentials, trustedKeys: new Map(), connectTimeoutMs: 2_000 });

  async function refusedTwice(credentials: SshCredentials, problem: string): Promise<void> {
    const subject = link(credentials);
    for (const attempt of ['first', 'at once again']) {
      await assert.rejects(subject.host(), (error: unknown) => {
        assert.ok(isKeyportError(error), String(error));
        assert.equal(error.code, 'ssh-key-unusable', `${attempt}: ${error.message}`);
        assert.equal(error.facts.problem, problem);
        assert.equal(error.facts.endpoint, `127.0.0.1:${port}`);
        assert.equal(error.facts.retryInMs, undefined, attempt);
        assert.doesNotMatch(error.message, /tries again/);
        return true;
      });
    }
    await subject.close();
  }

  test('text that is no key is not-a-private-key', () => refusedTwice({ privateKey: 'not a key at all' }, 'not-a-private-key'));

  test('a locked key without its passphrase is passphrase-needed, with a wrong one passphrase-wrong', async () => {
    const locked = readFileSync(join(dir, 'locked'));
    await refusedTwice({ privateKey: locked }, 'passphrase-needed');
    await refusedTwice({ privateKey: locked, passphrase: 'wrong staple' }, 'passphrase-wrong');
  });

  test('a usable key gets as far as the server, which does not answer: that one tries again later', async () => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'plain')]);
    const subject = link({ privateKey: readFileSync(join(dir, 'plain')) });
    await assert.rejects(subject.host(), (error: unknown) => isKeyportError(error) && error.code === 'server-offline' && typeof error.facts.retryInMs === 'number' && error.facts.retryInMs > 0);
    await subject.close();
  });
});
