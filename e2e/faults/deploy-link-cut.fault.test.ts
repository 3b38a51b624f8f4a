import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../test-support/tcp-traffic.ts';
import { CONSOLE_ID_FILE } from '../../src/main/core/console/console-identity.ts';
import { openKeyportCore, type KeyportCore } from '../../src/main/core/keyport-core.ts';
import type { DeployProgress, DeployStepName } from '../../src/shared/contract/deploy.ts';
import { isKeyportError, type KeyportError } from '../../src/shared/contract/errors.ts';
import { deployNoteText } from '../../src/shared/i18n/deploy-notes/deploy-note-text.ts';
import { TestServer } from '../harness/test-server.ts';
import { addTestServer } from '../support/console-access.ts';
import { keyport } from '../support/keyport-cli.ts';

const REPO = resolve(import.meta.dirname, '../..');
const BUNDLE = join(REPO, 'out', 'agent', 'keyport-agent.mjs');
/** "Promptly": a cut link ends the deploy within this, whatever the step (it used to take 15 minutes). */
const PROMPT_MS = 10_000;
/** Every step of a deploy that runs on the server, in order; a cut at each leaves the lock behind. */
const STEPS: DeployStepName[] = ['detect', 'upload-runtime', 'upload-agent', 'configure', 'firewall-tools', 'install-service', 'start', 'health-check', 'host-firewall', 'cleanup'];

/**
 * A link cut during each deploy step, against a real sshd: the sshd processes of the session are
 * killed (by pid) and the SSH entrance stays closed until the deploy has failed. The deploy ends
 * within seconds with a coded error naming the step; its lock is left on the server and the next
 * deploy from the same console takes it over at once and gets past that step (each deploy is cut one
 * step later than the last); what the cut left (the upload staged in TMPDIR, part files) is removed
 * by the next deploy; the lock the last cut left is refused to another console (the CLI, with its
 * own home) with who and since when, and its `--break-lock` deploy succeeds and leaves nothing.
 */
describe('a link cut during each deploy step', { timeout: 170_000 }, () => {
  let server: TestServer;
  let scratch: string;
  let home: string;
  let core: KeyportCore;
  const lockDir = () => server.hostPath('/opt/keyport/.lock');
  const staged = () => readdirSync(server.tmpDir).filter((name) => name.startsWith('keyport-upload.'));
  const partFiles = () => server.exec('find', ['/opt/keyport', '-name', '*.??????', '-type', 'f']).trim();

  before(async () => {
    if (!existsSync(BUNDLE) || statSync(BUNDLE).mtimeMs < newestAgentSource()) {
      execFileSync(process.execPath, ['scripts/build-agent.mjs'], { cwd: REPO, stdio: 'ignore' });
    }
    server = await TestServer.create(await freePort());
    scratch = mkdtempSync(join(tmpdir(), 'keyport-link-cut-'));
    home = join(scratch, 'console-a');
    core = await openKeyportCore({ home });
    await core.fleet.add(addTestServer(server, 'vps'));
  });
  after(async () => {
    await core?.close();
    await server?.destroy();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  /** A deploy from console A, its link cut when `step` starts (mid-transfer for the runtime upload). */
  async function deployCutAt(step: DeployStepName): Promise<{ error: KeyportError; afterCutMs: number; progress: DeployProgress[] }> {
    const progress: DeployProgress[] = [];
    const startedAt = performance.now();
    let cutAt = 0;
    let cutting: Promise<void> | undefined;
    const onProgress = (line: DeployProgress) => {
      progress.push(line);
      if (line.step !== step || line.state !== 'started' || cutting) return;
      cutting = (async () => {
        if (step === 'upload-runtime') await waitFor(() => staged().some((name) => statSync(join(server.tmpDir, name)).size > 1024 * 1024), 'the runtime upload is under way');
        server.killSshd();
        cutAt = performance.now();
        // The entrance stays closed until the deploy has failed, so the lock cannot be released behind the test's back.
        await server.stopSshd();
      })();
    };
    const outcome = await core.deploy.deploy('vps', {}, onProgress).then(
      () => assert.fail(`the deploy cut at ${step} succeeded`),
      (error: unknown) => error,
    );
    await cutting;
    console.log(`# cut at ${step}: ${((cutAt - startedAt) / 1000).toFixed(1)} s into the deploy, failed ${((performance.now() - cutAt) / 1000).toFixed(1)} s after the cut`);
    assert.ok(cutAt > 0, `the link was cut at ${step}`);
    assert.ok(isKeyportError(outcome), `a coded error, not ${String(outcome)}`);
    return { error: outcome, afterCutMs: performance.now() - cutAt, progress };
  }

  test('each step: the deploy fails within seconds naming the step; the next takes over the lock at once and gets past that step', async () => {
    /** What the last cut left: files staged in TMPDIR and part files beside deploy's targets. */
    let leftByCut: string[] = [];
    for (const [index, step] of STEPS.entries()) {
      const { error, afterCutMs, progress } = await deployCutAt(step);
      assert.ok(afterCutMs < PROMPT_MS, `cut at ${step}: failed ${Math.round(afterCutMs)} ms after the cut`);
      assert.equal(error.facts.step, step, `cut at ${step}: ${error.code} ${error.message} ${JSON.stringify(error.facts)}`);
      assert.equal(error.code, 'server-offline', `cut at ${step}: ${error.message}`);
      assert.ok(progress.some((line) => line.step === step && line.state === 'failed'), `the step list shows ${step} failed`);
      assert.ok(existsSync(lockDir()), `cut at ${step}: the lock stays, as the link is down`);
      if (index > 0) {
        const lockLine = progress.find((line) => line.step === 'lock' && line.state === 'done');
        assert.match(lockLine ? deployNoteText(lockLine.notes, 'en') : '', /taken over from this console's interrupted deploy/, `the deploy cut at ${step} took over the last one's lock`);
        assert.deepEqual(leftByCut.filter((path) => existsSync(path)), [], `the deploy cut at ${step} removed what the cut before left`);
      }
      leftByCut = [...staged().map((name) => join(server.tmpDir, name)), ...partFiles().split('\n').filter(Boolean).map((path) => server.hostPath(path))];
      if (leftByCut.length > 0) console.log(`# the cut at ${step} left ${leftByCut.length} file(s)`);
      server.startSshd();
      await waitForPort(server.sshPort);
    }

    // The last cut (at cleanup) left console A's lock: the next test meets it from console B.
  });

  test("another console's lock is refused naming who and since when, with --break-lock; --break-lock deploys, leaving nothing behind", async () => {
    assert.ok(existsSync(lockDir()), 'console A left its lock');
    const consoleA = readFileSync(join(home, CONSOLE_ID_FILE), 'utf8').trim();

    const env = { HOME: join(scratch, 'home-b'), KEYPORT_HOME: join(scratch, 'console-b'), SSH_AUTH_SOCK: '' };
    const added = await keyport(
      ['server', 'add', 'vps', '--host', '127.0.0.1', '--port', String(server.sshPort), '--key', server.clientKeyPath, '--accept-host-key', server.hostKeyFingerprint],
      env,
    );
    assert.equal(added.code, 0, added.stderr);
    const refused = await keyport(['server', 'deploy', 'vps', '--json'], env);
    assert.equal(refused.code, 1, refused.stderr);
    const { error: reported } = JSON.parse(refused.stdout) as { error: { code: string; facts: Record<string, unknown> } };
    assert.equal(reported.code, 'deploy-locked');
    assert.equal(reported.facts.ownerConsole, consoleA);
    assert.match(String(reported.facts.since), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(refused.stderr, new RegExp(`held by the Keyport console on ${String(reported.facts.owner)} since ${String(reported.facts.since)}`));
    assert.match(refused.stderr, /keyport server deploy vps --break-lock/);
    assert.ok(existsSync(lockDir()), 'the refused deploy left the lock alone');

    const broken = await keyport(['server', 'deploy', 'vps', '--break-lock'], env);
    assert.equal(broken.code, 0, broken.stderr);
    assert.match(broken.stdout, /\[lock\] broken, as asked \(held by .* since /);
    assert.match(broken.stdout, /Deployed agent /);
    assert.equal(existsSync(lockDir()), false, 'a deploy that ends releases its lock');
    assert.deepEqual(staged(), [], 'no upload staged in TMPDIR is left');
    assert.equal(partFiles(), '', 'no part file is left beside what deploy writes');
  });
});

function newestAgentSource(): number {
  return Math.max(
    ...readdirSync(join(REPO, 'remote-agent', 'src'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => statSync(join(entry.parentPath, entry.name)).mtimeMs),
  );
}

async function waitFor(ready: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs} ms`);
    await sleep(10);
  }
}

async function waitForPort(port: number, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((done) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => (socket.destroy(), done(true)));
      socket.once('error', () => (socket.destroy(), done(false)));
    });
    if (open) return;
    if (Date.now() > deadline) assert.fail(`nothing listens on 127.0.0.1:${port}`);
    await sleep(50);
  }
}
