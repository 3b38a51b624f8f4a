import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { freePort } from '../../test-support/tcp-traffic.ts';
import { TestServer } from '../harness/test-server.ts';
import { launchChromium } from '../support/chromium.ts';
import { keyport, keyportJson } from '../support/keyport-cli.ts';
import { moveBytesThenHistory } from '../support/key-traffic.ts';
import { startWebConsoleProcess, type RunningWebConsole } from '../support/web-console-process.ts';

const REPO = resolve(import.meta.dirname, '../..');
const API_KEY_FILE = '/var/lib/keyport/api-key';
const byTestId = (id: string) => `[data-testid="${id}"]`;

/**
 * Fault: the server's login shell talks. Greetings and a banner in root's ~/.bashrc, ~/.profile,
 * /etc/bash.bashrc and /etc/profile, on stdout and stderr, an EXIT trap that says goodbye, a MOTD,
 * a pre-login banner, and OpenSSH's sftp-server started through that shell (Debian's default), as
 * on many VPS images. Deploy, keys, traffic and the tunnel work through the real CLI; the API key
 * read is exactly the key; a damaged key file is a clear error, and the web console keeps serving.
 */
describe('fault: a server whose login shell prints greetings', { timeout: 110_000 }, () => {
  let server: TestServer;
  let scratch: string;
  let env: Record<string, string>;
  let key: { id: string; port: number; name: string };

  before(async () => {
    execFileSync(process.execPath, ['scripts/build-agent.mjs'], { cwd: REPO, stdio: 'ignore' });
    server = await TestServer.create(await freePort(), { greetingShell: true });
    scratch = mkdtempSync(join(tmpdir(), 'keyport-greeting-fault-'));
    mkdirSync(join(scratch, 'home'), { mode: 0o700 });
    env = { HOME: join(scratch, 'home'), KEYPORT_HOME: join(scratch, 'keyport'), SSH_AUTH_SOCK: '' };
  });

  after(async () => {
    await server?.destroy();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test('the shell really talks around every command run over SSH', () => {
    const ssh = spawnSync('ssh', ['-p', String(server.sshPort), '-i', server.clientKeyPath, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', 'root@127.0.0.1', 'id -u'], {
      encoding: 'utf8',
      timeout: 15_000,
    });
    assert.equal(ssh.status, 0, ssh.stderr);
    assert.match(ssh.stdout, /^Welcome to keyport-test\n[\s\S]*Welcome \(from ~\/\.bashrc\)0\nBye from ~\/\.bashrc\n$/);
    assert.match(ssh.stderr, /Welcome \(stderr\)/);
  });

  test('add and deploy work, as root, and leave no deploy lock behind; a second deploy is not refused', async () => {
    const added = await keyport(['server', 'add', 'alpha', '--host', '127.0.0.1', '--port', String(server.sshPort), '--key', server.clientKeyPath, '--accept-host-key', server.hostKeyFingerprint], env);
    assert.equal(added.code, 0, added.stderr);
    for (const round of ['first', 'again']) {
      const deployed = await keyport(['server', 'deploy', 'alpha'], env);
      assert.equal(deployed.code, 0, `${round}: ${deployed.stdout}${deployed.stderr}`);
      assert.match(deployed.stdout, /\[detect\] .*, root, /, 'the root login is seen as root, not as a sudo user');
      assert.match(deployed.stdout, /\[health-check\] the agent answers/);
      assert.doesNotMatch(deployed.stdout + deployed.stderr, /Welcome|Bye/);
      assert.equal(existsSync(server.hostPath('/opt/keyport/.lock')), false, `${round}: the lock is released`);
    }
    const status = await keyportJson<{ state: string }>(['server', 'status', 'alpha'], env);
    assert.equal(status.state, 'online');
  });

  test('keys are created and listed, with links that name the key port', async () => {
    key = await keyportJson(['keys', 'create', 'alpha', 'alice'], env);
    const listed = await keyportJson<{ data: { name: string }[] }>(['keys', 'list', 'alpha'], env);
    assert.deepEqual(listed.data.map((entry) => entry.name), ['alice']);
    const config = await keyportJson<{ data: { vless_url: string } }>(['keys', 'config', 'alpha', key.id], env);
    assert.match(config.data.vless_url, new RegExp(`^vless://[0-9a-f-]+@127\\.0\\.0\\.1:${key.port}\\?`));
  });

  test('the tunnel hands out exactly the API key the server holds, and curl lists the keys through it', async () => {
    const tunnel = spawn(resolve(REPO, 'bin/keyport'), ['tunnel', 'alpha', '--json'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const opened = await new Promise<{ url: string; apiKey: string }>((done, fail) => {
        let stdout = '';
        const timer = setTimeout(() => fail(new Error(`no tunnel within 20 s: ${stdout}`)), 20_000);
        tunnel.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('}')) {
            clearTimeout(timer);
            done(JSON.parse(stdout));
          }
        });
        tunnel.once('exit', (code) => fail(new Error(`keyport tunnel exited ${code}`)));
      });
      assert.match(opened.apiKey, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(opened.apiKey, readFileSync(server.hostPath(API_KEY_FILE), 'utf8').trim());
      const listed = JSON.parse(execFileSync('curl', ['-sf', '-H', `X-API-Key: ${opened.apiKey}`, `${opened.url}/api/keys`], { encoding: 'utf8' }));
      assert.deepEqual(listed.map((entry: { name: string }) => entry.name), ['alice']);
    } finally {
      const exited = new Promise((done) => tunnel.once('exit', done));
      tunnel.kill('SIGINT');
      await exited;
    }
  });

  test('bytes through the key port show up in the traffic history', async () => {
    const history = await moveBytesThenHistory(server, 'alpha', key, env);
    assert.ok(history!.data.total_traffic.rx_bytes >= 30_000, JSON.stringify(history));
    assert.ok(history!.data.total_traffic.tx_bytes >= 70_000, JSON.stringify(history));
  });

  test('an API key file that is not a key is a coded error in the CLI, never a request', async () => {
    const good = readFileSync(server.hostPath(API_KEY_FILE), 'utf8');
    try {
      writeFileSync(server.hostPath(API_KEY_FILE), `Welcome to the server\n${good}`);
      const refused = await keyport(['keys', 'list', 'alpha', '--json'], env);
      assert.notEqual(refused.code, 0);
      const { error } = JSON.parse(refused.stdout) as { error: { code: string; message: string; facts: Record<string, unknown> } };
      assert.equal(error.code, 'agent-error', error.message);
      assert.equal(error.facts.reason, 'api-key-malformed');
      assert.ok(!refused.stdout.includes(good.trim()) && !refused.stderr.includes(good.trim()), 'the key is never shown');
    } finally {
      writeFileSync(server.hostPath(API_KEY_FILE), good);
    }
  });

  describe('the web console', () => {
    let web: RunningWebConsole | undefined;
    let browser: Browser | undefined;
    let page: Page;

    before(async () => {
      execFileSync(join(REPO, 'node_modules/.bin/electron-vite'), ['build'], { cwd: REPO, stdio: 'ignore' });
    });
    after(async () => {
      await browser?.close();
      await web?.stop();
    });

    test('shows a damaged API key file as the server\'s error, keeps serving, and reads the server again once the file is mended', async () => {
      const good = readFileSync(server.hostPath(API_KEY_FILE), 'utf8');
      writeFileSync(server.hostPath(API_KEY_FILE), `Welcome to the server\n${good}`);
      try {
        web = await startWebConsoleProcess(env);
        browser = await launchChromium();
        page = await browser.newPage();
        page.setDefaultTimeout(20_000);
        await page.goto(web.url);
        const row = page.locator(byTestId('fleet-row-alpha'));
        await row.locator('.reason', { hasText: '43 base64url characters' }).waitFor();
      } finally {
        writeFileSync(server.hostPath(API_KEY_FILE), good);
      }
      await page.click(byTestId('fleet-refresh'));
      // The agent answers again: its keys are counted (the key port's own reachability is another matter).
      const row = page.locator(byTestId('fleet-row-alpha'));
      await row.locator(byTestId('fleet-keys'), { hasText: '1 / 1' }).waitFor();
      assert.equal(await row.locator('.reason', { hasText: 'base64url' }).count(), 0);
      // Still the same console process: the page reloads from it, and reads the server again.
      assert.equal((await page.reload())?.status(), 200);
      await row.locator(byTestId('fleet-keys'), { hasText: '1 / 1' }).waitFor();
    });
  });
});
