import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { after, before, beforeEach, describe, test } from 'node:test';
import { TestServer } from '../../../../e2e/harness/test-server.ts';
import { testServerLink } from '../../../../e2e/support/console-access.ts';
import { freePort } from '../../../../test-support/tcp-traffic.ts';
import type { DeployProgress } from '../../../shared/contract/deploy.ts';
import { isKeyportError } from '../../../shared/contract/errors.ts';
import { consoleHostname, type ConsoleIdentity } from '../console/console-identity.ts';
import type { RemoteHost } from '../ssh/remote-host.ts';
import { SshLink } from '../ssh/ssh-link.ts';
import { readLockAnswer } from './lock-answer.ts';
import { RemoteLock } from './remote-lock.ts';
import { takeDeployLock } from './take-deploy-lock.ts';

const here: ConsoleIdentity = { id: randomUUID(), hostname: consoleHostname() };
const elsewhere: ConsoleIdentity = { id: randomUUID(), hostname: 'laptop-b' };

describe('the deploy lock on a real server', () => {
  let server: TestServer;
  let link: SshLink;
  let host: RemoteHost;
  const lockDir = () => server.hostPath('/opt/keyport/.lock');
  const ownerFile = () => readFileSync(`${lockDir()}/owner`, 'utf8');
  /** A lock as another console (or an earlier run of this one) left it. */
  const leaveLock = (lines: string[]) => {
    mkdirSync(lockDir(), { recursive: true });
    writeFileSync(`${lockDir()}/owner`, `${lines.join('\n')}\n`);
  };

  before(async () => {
    server = await TestServer.create(await freePort());
    link = new SshLink(testServerLink(server));
    host = await link.host();
  });
  after(async () => {
    await link?.close();
    await server?.destroy();
  });
  beforeEach(() => server.exec('rm', ['-rf', '/opt/keyport']));

  test('a free lock is taken with its owner and start time recorded, and released', async () => {
    const lock = await RemoteLock.acquire(host, { owner: here });
    assert.equal(lock.tookOver, undefined);
    const record = ownerFile();
    assert.match(record, new RegExp(`^token=${lock.token}$`, 'm'));
    assert.match(record, new RegExp(`^console=${here.id}$`, 'm'));
    assert.match(record, new RegExp(`^host=${here.hostname}$`, 'm'));
    assert.match(record, new RegExp(`^pid=${process.pid}$`, 'm'));
    assert.match(record, /^since=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m);
    await lock.release();
    assert.equal(existsSync(lockDir()), false);
  });

  test('a lock this process still holds refuses a second deploy, naming this console', async () => {
    const lock = await RemoteLock.acquire(host, { owner: here });
    await assert.rejects(RemoteLock.acquire(host, { owner: here }), (error: unknown) => {
      assert.ok(isKeyportError(error) && error.code === 'deploy-locked', String(error));
      assert.match(error.message, /this console .* still running/);
      assert.equal(error.facts.owner, here.hostname);
      return true;
    });
    await lock.release();
  });

  test("this console's lock whose deploy is gone is taken over at once: its process ended, or this process let it go", async () => {
    const ended = spawnSync('true').pid!;
    for (const pid of [ended, process.pid]) {
      const old = randomUUID();
      leaveLock([`token=${old}`, `console=${here.id}`, `host=${here.hostname}`, `pid=${pid}`, 'since=2026-12-01T17:00:00Z']);
      const lock = await RemoteLock.acquire(host, { owner: here });
      assert.equal(lock.tookOver?.how, 'left-by-this-console');
      assert.equal(lock.tookOver?.from?.token, old);
      assert.match(ownerFile(), new RegExp(`^token=${lock.token}$`, 'm'));
      await lock.release();
    }
  });

  test("another console's lock is refused with its owner and since; --break-lock takes it", async () => {
    leaveLock([`token=${randomUUID()}`, `console=${elsewhere.id}`, `host=${elsewhere.hostname}`, 'pid=4242', 'since=2026-12-01T17:00:00Z']);
    await assert.rejects(RemoteLock.acquire(host, { owner: here }), (error: unknown) => {
      assert.ok(isKeyportError(error) && error.code === 'deploy-locked', String(error));
      assert.match(error.message, /the Keyport console on laptop-b since 2026-12-01T17:00:00Z/);
      assert.equal(error.facts.owner, 'laptop-b');
      assert.equal(error.facts.ownerConsole, elsewhere.id);
      assert.equal(error.facts.since, '2026-12-01T17:00:00Z');
      assert.equal(typeof error.facts.idleSeconds, 'number');
      return true;
    });
    assert.match(ownerFile(), /host=laptop-b/, 'the refused deploy left the lock alone');
    const lock = await RemoteLock.acquire(host, { owner: here, breakLock: true });
    assert.equal(lock.tookOver?.how, 'broken');
    assert.equal(lock.tookOver?.from?.hostname, 'laptop-b');
    await lock.release();
  });

  test("another console's lock with no sign of life for 30 minutes is taken over", async () => {
    leaveLock([`token=${randomUUID()}`, `console=${elsewhere.id}`, `host=${elsewhere.hostname}`, 'pid=4242']);
    server.exec('touch', ['-d', '-31 minutes', '/opt/keyport/.lock']);
    const lock = await RemoteLock.acquire(host, { owner: here });
    assert.equal(lock.tookOver?.how, 'expired');
    await lock.release();
  });

  test('a hostile or old-format record is shown as unknown, never run', async () => {
    const marker = `${server.dir}/pwned`;
    leaveLock([`host=$(touch ${marker})`, `console=\`touch ${marker}\``, "token=x'; touch /tmp/x; '", 'pid=1; reboot', 'state=taken']);
    await assert.rejects(RemoteLock.acquire(host, { owner: here }), (error: unknown) => {
      assert.ok(isKeyportError(error) && error.code === 'deploy-locked', String(error));
      assert.equal(error.facts.owner, null);
      assert.equal(error.facts.since, null);
      return true;
    });
    const lock = await RemoteLock.acquire(host, { owner: here, breakLock: true });
    await lock.release();
    leaveLock([randomUUID()]);
    await assert.rejects(RemoteLock.acquire(host, { owner: here }), { code: 'deploy-locked' });
    assert.equal(existsSync(marker), false);
  });

  test("this console's host name reaches the record only in the characters it keeps", () => {
    assert.equal(consoleHostname("laptop $(rm -rf ~)'s"), 'laptop---rm--rf----s');
    assert.equal(consoleHostname(''), 'unknown-host');
  });

  test('taking the lock removes what an interrupted deploy left: staged uploads and part files', async () => {
    leaveLock([`token=${randomUUID()}`, `console=${here.id}`, `host=${here.hostname}`, `pid=${spawnSync('true').pid!}`]);
    writeFileSync(`${server.tmpDir}/keyport-upload.AbC123`, 'half a runtime');
    writeFileSync(`${server.tmpDir}/not-ours`, 'kept');
    server.exec('sh', ['-c', 'mkdir -p /opt/keyport/runtimes/abc /opt/keyport/releases/r1 && echo half > /opt/keyport/runtimes/abc/node.Xy12Zq && echo whole > /opt/keyport/runtimes/abc/node && echo half > /opt/keyport/releases/r1/keyport-agent.mjs.Q1w2E3']);
    const progress: DeployProgress[] = [];
    const lock = await takeDeployLock(host, { owner: here, onProgress: (line) => progress.push(line) });
    assert.deepEqual(server.exec('sh', ['-c', 'find /opt/keyport -type f ! -path "*/.lock/*" | sort']).trim().split('\n'), ['/opt/keyport/runtimes/abc/node']);
    assert.equal(existsSync(`${server.tmpDir}/keyport-upload.AbC123`), false);
    assert.equal(existsSync(`${server.tmpDir}/not-ours`), true);
    assert.equal(progress.at(-1)?.step, 'lock');
    assert.deepEqual(progress.at(-1)!.notes.slice(0, 1).map((note) => [note.id, note.facts]), [
      ['lockTakenOver', { how: { id: 'tookOverOwnDeploy', facts: {} }, holder: here.hostname }],
    ]);
    assert.deepEqual(progress.at(-1)!.notes.at(-1), { id: 'leftoverFilesRemoved', facts: { count: 3 } });
    await lock.release();
  });
});

describe('reading the lock scripts\' answer', () => {
  test('keeps only fields that read as what they claim; a greeting before the answer is ignored', () => {
    const token = randomUUID();
    assert.deepEqual(readLockAnswer(`Welcome to the server\nstate=held\nidle=75\nsum=123 45\nowner.token=${token}\nowner.host=vps admin\nowner.pid=0\nowner.since=2026-12-01T17:00:00Z\n`), {
      state: 'held',
      idleSeconds: 75,
      owner: { token, since: '2026-12-01T17:00:00Z' },
      recordSum: '123 45',
    });
    assert.deepEqual(readLockAnswer('state=taken\n'), { state: 'taken' });
    assert.throws(() => readLockAnswer('Welcome…taken'), /no answer Keyport understands/);
  });
});
