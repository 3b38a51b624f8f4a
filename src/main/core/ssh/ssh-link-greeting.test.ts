import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isKeyportError } from '../../../shared/contract/errors.ts';
import { freePort } from '../../../../test-support/tcp-traffic.ts';
import { TestServer } from '../../../../e2e/harness/test-server.ts';
import { SshLink, type SshEndpoint, type SshLinkOptions } from './ssh-link.ts';
import { assertUploadsExact } from './testing/exact-uploads.ts';

/**
 * A server whose shell talks (greetings and a banner in ~/.bashrc, /etc/bash.bashrc and the
 * profiles, on stdout and stderr, and an EXIT trap that says goodbye), as many VPS images do:
 * Keyport reads exactly what its commands print, and nothing the shell says around them.
 */
describe('SshLink, against a real sshd whose login shell prints greetings', () => {
  let server: TestServer;
  let endpoint: SshEndpoint;
  const localDir = mkdtempSync(join(tmpdir(), 'keyport-ssh-greeting-'));
  const links: SshLink[] = [];

  const newLink = (overrides: Partial<SshLinkOptions> = {}) => {
    const link = new SshLink({
      endpoint,
      credentials: { privateKey: readFileSync(server.clientKeyPath) },
      trustedKeys: new Map([[`127.0.0.1:${server.sshPort}`, server.hostKeyFingerprint]]),
      ...overrides,
    });
    links.push(link);
    return link;
  };

  before(async () => {
    server = await TestServer.create(await freePort(), { greetingShell: true });
    endpoint = { host: '127.0.0.1', port: server.sshPort, user: 'root' };
  });
  after(async () => {
    await Promise.all(links.map((link) => link.close()));
    await server?.destroy();
    rmSync(localDir, { recursive: true, force: true });
  });

  test('the harness: the shell really talks around a command run over SSH', () => {
    // Through the test's own door (no SSH) nothing talks; the greeting comes from bash's rc files.
    const bashrc = server.exec('cat', ['/root/.bashrc']);
    assert.match(bashrc, /Welcome/);
    assert.match(server.exec('cat', ['/etc/bash.bashrc']), /Welcome/);
    assert.match(readFileSync('/etc/bash.bashrc', 'utf8'), /^# System-wide/m, "the host's own file is untouched");
  });

  test('knows it is root, and reads exactly what a command prints on stdout and stderr, and its exit code', async () => {
    const host = await newLink().host();
    assert.equal(host.asRoot, true);
    assert.deepEqual(await host.run('id -u; echo "$0"'), { stdout: '0\nsh\n', stderr: '', exitCode: 0 });
    assert.deepEqual(await host.run('printf "no newline"'), { stdout: 'no newline', stderr: '', exitCode: 0 });
    assert.deepEqual(await host.run('echo oops >&2; exit 3'), { stdout: '', stderr: 'oops\n', exitCode: 3 });
    assert.equal(await host.check('cat', { stdin: 'through stdin' }), 'through stdin');
    await assert.rejects(host.check('echo oops >&2; exit 3'), (error: Error) => {
      assert.match(error.message, /exit code 3: oops$/);
      assert.doesNotMatch(error.message, /Welcome/);
      return true;
    });
  });

  test('a syntax error in a command is its own failure, with the shell greeting left out', async () => {
    const host = await newLink().host();
    const result = await host.run('if then fi');
    assert.notEqual(result.exitCode, 0);
    assert.equal(result.stdout, '');
    assert.doesNotMatch(result.stderr, /Welcome|Bye/);
    assert.match(result.stderr, /syntax error/i);
  });

  test('output that holds the command line itself (a process list) is read whole', async () => {
    const host = await newLink().host();
    const listed = await host.check('cat /proc/$PPID/cmdline | tr "\\0" " "; echo; echo last');
    assert.match(listed, /\nlast\n$/);
  });

  test('upload and writeFile work though the shell talks (and OpenSSH\'s sftp-server goes through it)', async () => {
    const host = await newLink().host();
    const remoteDir = await assertUploadsExact(host, server, localDir, [0, 64 * 1024, 3 * 1024 * 1024 + 7]);
    await host.writeFile(`${remoteDir}/run`, 'exact\ncontent', 0o600);
    assert.equal(readFileSync(`${remoteDir}/run`, 'utf8'), 'exact\ncontent');
  });

  test('a sudo user whose shell talks: commands run as root, and a sudo that wants a password is still recognised', async () => {
    const user = server.addUser('nopasswd');
    const host = await newLink({ endpoint: { ...endpoint, user } }).host();
    assert.equal(host.asRoot, false);
    assert.deepEqual(await host.run('id -u'), { stdout: '0\n', stderr: '', exitCode: 0 });

    const refused = server.addUser('password');
    const refusedHost = await newLink({ endpoint: { ...endpoint, user: refused } }).host();
    await assert.rejects(refusedHost.run('id -u'), (error: unknown) => isKeyportError(error) && error.code === 'sudo-password-required');
  });

  test('a login shell that runs something else (nologin) is unsupported-server, with what it said', async () => {
    const user = server.addUser('nopasswd');
    const passwd = join(server.dir, 'root', 'etc', 'passwd');
    writeFileSync(passwd, readFileSync(passwd, 'utf8').replace(new RegExp(`^(${user}:.*):/bin/bash$`, 'm'), '$1:/usr/sbin/nologin'));
    await assert.rejects(newLink({ endpoint: { ...endpoint, user } }).host(), (error: unknown) => {
      assert.ok(isKeyportError(error), String(error));
      assert.equal(error.code, 'unsupported-server', error.message);
      assert.match(error.message, /did not run Keyport's command `id -u`/);
      assert.match(error.message, /This account is currently not available/);
      assert.equal(error.facts.exitCode, 1);
      return true;
    });
  });
});
