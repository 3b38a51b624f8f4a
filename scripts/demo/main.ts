// `npm run demo`: Keyport without a VPS. A sandbox server on this machine (a network namespace with
// a real sshd, the stand-in Xray), added and deployed in a KEYPORT_HOME of its own, a few keys with
// real traffic, and web mode; Ctrl-C removes everything it made. Needs root.
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../test-support/tcp-traffic.ts';
import { TestServer } from '../../e2e/harness/test-server.ts';
import { endedRuns, removeRun, RUN_MARKER_ENV, RUN_PREFIX, runName, type RunMarks } from './demo-run.ts';
import { buildMissing, keyport, startWebMode } from './demo-steps.ts';

const REPO = resolve(import.meta.dirname, '../..');
const SERVER = 'sandbox';
/** The keys it creates: one plain, one with a quota, one with an expiry, one disabled; bytes moved through the first three. */
const KEYS = [
  { name: 'alice', flags: [], upload: 2_000_000, download: 30_000_000, shown: 'no limits' },
  { name: 'bob', flags: ['--limit', '100MB', '--reset', 'month'], upload: 5_000_000, download: 55_000_000, shown: '100 MB a month' },
  { name: 'carol', flags: ['--expires', '+30d', '--note', 'trial'], upload: 500_000, download: 4_000_000, shown: 'expires in 30 days' },
  { name: 'dave', flags: [], upload: 0, download: 0, shown: 'disabled' },
] as const;

const say = (line: string) => process.stdout.write(`demo: ${line}\n`);

if (process.geteuid?.() !== 0) {
  process.stderr.write(
    'demo: needs root, and changed nothing. It makes a network namespace (`ip netns add`) with its own\n' +
      'loopback and firewall, and runs OpenSSH\'s sshd inside it as the sandbox server, reached on\n' +
      '127.0.0.1; only root can do both. Run it as root: `sudo npm run demo`.\n',
  );
  process.exit(1);
}
const onPath = (tool: string) => (process.env.PATH ?? '').split(':').some((dir) => dir !== '' && existsSync(join(dir, tool)));
const missing = [...['ip', 'socat', 'ssh-keygen'].filter((tool) => !onPath(tool)), ...(existsSync('/usr/sbin/sshd') ? [] : ['/usr/sbin/sshd'])];
if (missing.length > 0) {
  process.stderr.write(`demo: ${missing.join(', ')} missing, so nothing was changed; \`bash scripts/setup.sh\` installs them\n`);
  process.exit(1);
}

const run = runName(process.pid);
// Inherited by every process it starts, so a later run can tell them after a kill -9 (demo-run.ts).
process.env[RUN_MARKER_ENV] = run;
say(`runs as root: it makes a network namespace and an sshd for the sandbox server (${run}-*)`);
for (const ended of endedRuns()) report(`removed what an earlier run left (${ended})`, await removeRun(ended));

let stopping: Promise<never> | undefined;
function stop(exitCode: number): Promise<never> {
  stopping ??= removeRun(run).then((marks) => {
    report('removed the sandbox', marks);
    process.exit(exitCode);
  });
  return stopping;
}
process.once('SIGINT', () => void stop(130));
process.once('SIGTERM', () => void stop(143));

try {
  await start();
} catch (error) {
  process.stderr.write(`demo: ${(error as Error).message}\n`);
  await stop(1);
}

async function start(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), `${run}-home-`));
  mkdirSync(join(dir, 'home'), { mode: 0o700 });
  const env = { HOME: join(dir, 'home'), KEYPORT_HOME: join(dir, 'keyport'), SSH_AUTH_SOCK: '' };
  buildMissing(say);
  say(`console state in KEYPORT_HOME=${env.KEYPORT_HOME} (yours is not touched)`);
  const server = await TestServer.create(await freePort(), { namePrefix: RUN_PREFIX });
  say(`sandbox server "${SERVER}": namespace ${server.namespace}, sshd on 127.0.0.1:${server.sshPort}, the stand-in Xray`);
  await keyport(['server', 'add', SERVER, '--host', '127.0.0.1', '--port', String(server.sshPort), '--key', server.clientKeyPath, '--accept-host-key', server.hostKeyFingerprint], env);
  await keyport(['server', 'deploy', SERVER], env, { show: true });
  let lastMoved: string | undefined;
  for (const key of KEYS) {
    const created = JSON.parse(await keyport(['keys', 'create', SERVER, key.name, ...key.flags, '--json'], env)) as { id: string; port: number };
    if (key.shown === 'disabled') await keyport(['keys', 'disable', SERVER, created.id], env);
    if (key.upload === 0) continue;
    // From inside the server, as a client's bytes reach a key port there; the stand-in Xray answers.
    server.exec(join(REPO, 'scripts/node24'), [join(REPO, 'e2e/support/move-bytes.ts'), String(created.port), String(key.upload), String(key.download)]);
    lastMoved = created.id;
  }
  say(`keys: ${KEYS.map((key) => `${key.name} (${key.shown})`).join(', ')}; waiting for the agent to count their bytes`);
  if (lastMoved) await untilCounted(lastMoved, env);
  const web = await startWebMode(env, () => {
    if (!stopping) {
      process.stderr.write('demo: web mode ended by itself; removing the sandbox\n');
      void stop(1);
    }
  });
  say(`the same state from the CLI: KEYPORT_HOME=${env.KEYPORT_HOME} bin/keyport keys list ${SERVER}`);
  say('Ctrl-C removes the sandbox: its namespace, the processes it started and its temp dirs');
  process.stdout.write(`\nKeyport console (web mode): ${web.url}\n\n`);
  web.passOutput();
}

/** Until the agent's history shows the key's upload: its sampling cycle is 10 s (bounded: 60 s). */
async function untilCounted(keyId: string, env: Record<string, string>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const history = JSON.parse(await keyport(['traffic', 'history', SERVER, keyId, '--json'], env)) as { data: { total_traffic: { rx_bytes: number } } };
    if (history.data.total_traffic.rx_bytes > 0) return;
    await new Promise((done) => setTimeout(done, 2_000));
  }
  say('the agent has not counted the bytes yet; the console shows them once it has');
}

function report(what: string, marks: RunMarks): void {
  const parts = [
    ...marks.namespaces.map((name) => `namespace ${name}`),
    ...(marks.pids.length > 0 ? [`${marks.pids.length} process(es) it started (pids ${marks.pids.join(', ')})`] : []),
    ...marks.dirs,
  ];
  say(`${what}: ${parts.length > 0 ? parts.join(', ') : 'nothing was left'}`);
}
