// npm run bench:console — the console core against a test server (a namespace with a real sshd):
// a tunneled API call beside the same call made directly inside the namespace, 200 concurrent
// tunneled calls over the one SSH connection, a first deploy and a re-deploy. Prints figures; it
// asserts nothing about time (see README for the goals).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../test-support/tcp-traffic.ts';
import { ConsoleCache } from '../../src/main/core/cache/console-cache.ts';
import { CACHE_FILE_NAME, openKeyportCore } from '../../src/main/core/keyport-core.ts';
import { NO_VAULT } from '../../src/main/core/services/secret-vault.ts';
import { ServerSessions } from '../../src/main/core/services/server-sessions.ts';
import { TestServer } from '../harness/test-server.ts';
import { addTestServer } from '../support/console-access.ts';

const REPO = resolve(import.meta.dirname, '../..');
const CALLS = 300;
const CONCURRENT = 200;
const KEYS = 50;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const ms = (value: number) => `${value.toFixed(2)} ms`;
const row = (name: string, measured: string, baseline: string, goal: string, pass: boolean) =>
  console.log(`${name.padEnd(44)} ${measured.padEnd(26)} ${baseline.padEnd(26)} ${goal.padEnd(28)} ${pass ? 'PASS' : 'MISS'}`);

execFileSync(process.execPath, ['scripts/build-agent.mjs'], { cwd: REPO, stdio: 'ignore' });
const server = await TestServer.create(await freePort());
const home = mkdtempSync(join(tmpdir(), 'keyport-bench-'));
const core = await openKeyportCore({ home });
try {
  await core.fleet.add(addTestServer(server, 'bench'));

  let started = performance.now();
  const first = await core.deploy.deploy('bench');
  const firstDeployMs = performance.now() - started;
  started = performance.now();
  const second = await core.deploy.deploy('bench');
  const redeployMs = performance.now() - started;
  for (let index = 0; index < KEYS; index += 1) await core.keys.create('bench', `bench-${index}`);
  // Its SSH connection closes here, so the one counted below is the measuring client's alone.
  await core.close();

  const cache = new ConsoleCache(join(home, CACHE_FILE_NAME));
  const sessions = new ServerSessions({ cache, vault: NO_VAULT });
  const info = cache.findServer('bench')!;
  const client = await sessions.client(info);
  const access = await sessions.agentAccess(info);
  await client.listKeys();

  const tunneled: number[] = [];
  for (let index = 0; index < CALLS; index += 1) {
    const callStarted = performance.now();
    await client.listKeys();
    tunneled.push(performance.now() - callStarted);
  }
  const direct = JSON.parse(
    server.exec(join(REPO, 'scripts/node24'), [join(REPO, 'e2e/bench/direct-calls.ts'), String(access.apiPort), access.apiKey, String(CALLS)]),
  ) as number[];

  started = performance.now();
  const results = await Promise.allSettled(Array.from({ length: CONCURRENT }, () => client.listKeys()));
  const concurrentMs = performance.now() - started;
  const succeeded = results.filter((result) => result.status === 'fulfilled').length;
  const sshConnections = execFileSync('ss', ['-Htn', 'state', 'established', `( dport = :${server.sshPort} )`], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean).length;

  console.log(`console bench: 1 test server, GET /api/keys with ${KEYS} keys, ${CALLS} sequential calls each way\n`);
  console.log(`${'figure'.padEnd(44)} ${'measured'.padEnd(26)} ${'baseline (same run)'.padEnd(26)} ${'goal'.padEnd(28)}`);
  const tunneledP50 = percentile(tunneled, 50);
  const directP50 = percentile(direct, 50);
  row('tunneled call p50 (ssh2 forwardOut)', ms(tunneledP50), `direct in netns ${ms(directP50)}`, 'within 2 ms of direct', tunneledP50 - directP50 <= 2);
  row('tunneled call p99', ms(percentile(tunneled, 99)), `direct in netns ${ms(percentile(direct, 99))}`, '(reported)', true);
  row(`${CONCURRENT} concurrent tunneled calls`, `${succeeded} ok in ${ms(concurrentMs)}`, '-', `all ok, 1 SSH connection`, succeeded === CONCURRENT && sshConnections === 1);
  row('SSH connections open from this process', String(sshConnections), '-', '1', sshConnections === 1);
  row('first deploy (runtime + agent uploaded)', ms(firstDeployMs), '-', 'under 20 s', firstDeployMs < 20_000 && first.runtimeUploaded);
  row('re-deploy, runtime already there', ms(redeployMs), `runtime uploaded: ${second.runtimeUploaded}`, 'under 5 s, no runtime upload', redeployMs < 5_000 && !second.runtimeUploaded);
  await sessions.closeAll();
  cache.close();
} finally {
  await core.close().catch(() => undefined);
  await server.destroy();
  rmSync(home, { recursive: true, force: true });
}
