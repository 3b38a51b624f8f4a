import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { RUN_PREFIX, removeRun } from '../../scripts/demo/demo-run.ts';
import { runToExit } from '../../test-support/run-to-exit.ts';
import type { ApiKey, HistoryOverview } from '../../src/shared/contract/api-types.ts';
import type { ServerInfo } from '../../src/shared/contract/servers.ts';
import { startDemo, stillRuns, type RunningDemo } from '../support/demo-process.ts';
import { callOverSocket, loginToWebConsole, openSessionSocket, type WebSession } from '../support/web-bridge-client.ts';

const REPO = resolve(import.meta.dirname, '../..');

/** Namespaces and temp dirs of any demo run on this machine. */
const demoLeftovers = () => [
  ...execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((line) => line.split(' ')[0]!),
  ...readdirSync(tmpdir()),
].filter((name) => name.startsWith(`${RUN_PREFIX}-`));

interface ConsoleView {
  page: { status: number; body: string };
  servers: ServerInfo[];
  keys: ApiKey[];
  history: HistoryOverview;
}

/** What web mode at `link` shows, read as its page does: the login link, the page, the bridge. */
async function viewAt(link: string): Promise<ConsoleView> {
  const session = await loginToWebConsole(link);
  const ws = await openSessionSocket(session);
  try {
    const call = async <T>(service: string, method: string, ...args: unknown[]) => {
      const outcome = await callOverSocket(ws, { service, method, args });
      if (!outcome.ok) throw new Error(`${service}.${method}: ${outcome.error.code} ${outcome.error.message}`);
      return outcome.value as T;
    };
    return {
      page: await fetchPage(session),
      servers: await call<ServerInfo[]>('fleet', 'list'),
      keys: (await call<{ data: ApiKey[] }>('keys', 'list', 'sandbox')).data,
      history: (await call<{ data: HistoryOverview }>('traffic', 'history', 'sandbox')).data,
    };
  } finally {
    ws.close();
  }
}

function fetchPage(session: WebSession): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    get(`${session.origin}/`, { headers: { Cookie: session.cookie } }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => done({ status: response.statusCode!, body }));
    }).on('error', fail);
  });
}

/** The run's namespaces, temp dirs and processes are all gone (processes as seen while it ran). */
function assertRemoved(demo: RunningDemo, processes: ReturnType<RunningDemo['processes']>): void {
  const marks = demo.marks();
  assert.deepEqual(marks.namespaces, [], `namespaces of ${demo.run} left`);
  assert.deepEqual(marks.dirs, [], `temp dirs of ${demo.run} left`);
  assert.deepEqual(processes.filter(stillRuns), [], `processes of ${demo.run} left`);
}

/**
 * `npm run demo` as a new admin runs it: a sandbox server in a namespace of its own (real sshd, the
 * stand-in Xray), deployed, with keys and traffic, in web mode on a KEYPORT_HOME of its own; Ctrl-C
 * removes it all. Without root it says what it needs and makes nothing; runs side by side keep
 * apart, and one killed with -9 leaves only what the next run removes.
 */
describe('npm run demo', { timeout: 900_000 }, () => {
  const started: RunningDemo[] = [];
  const start = async () => {
    const demo = await startDemo();
    started.push(demo);
    return demo;
  };
  let first: RunningDemo;
  let second: RunningDemo;

  after(async () => {
    for (const demo of started) {
      try {
        demo.interrupt();
      } catch {
        // Ended already.
      }
      await Promise.race([demo.ended, new Promise((done) => setTimeout(done, 20_000))]);
      await removeRun(demo.run);
    }
  });

  test('without root it says it needs root for network namespaces and sshd, exits 1, and makes nothing', async () => {
    const before = demoLeftovers();
    const result = await runToExit('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'npm', 'run', 'demo'], { cwd: REPO, timeoutMs: 60_000 });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /needs root, and changed nothing/);
    assert.match(result.stderr, /network namespace/);
    assert.match(result.stderr, /sshd/);
    assert.match(result.stderr, /sudo npm run demo/);
    assert.deepEqual(demoLeftovers(), before);
  });

  test('it prints its link; web mode there lists the sandbox server with its keys, limits and traffic', async () => {
    first = await start();
    assert.match(first.output(), /runs as root/);
    const home = new RegExp(`KEYPORT_HOME=(${tmpdir()}/${first.run}-home-\\w+/keyport) `).exec(first.output());
    assert.ok(home, `the KEYPORT_HOME it printed is a temp dir of the run's own:\n${first.output()}`);
    const view = await viewAt(first.link);
    assert.equal(view.page.status, 200);
    assert.match(view.page.body, /<script/);
    assert.deepEqual(view.servers.map((server) => server.name), ['sandbox']);
    assert.ok(view.servers[0]!.agent, 'the sandbox server is deployed');
    const keys = new Map(view.keys.map((key) => [key.name, key]));
    assert.deepEqual([...keys.keys()].sort(), ['alice', 'bob', 'carol', 'dave']);
    assert.equal(keys.get('bob')!.data_limit_bytes, 100 * 1024 ** 2);
    assert.equal(keys.get('bob')!.data_limit_reset, 'month');
    assert.ok(keys.get('carol')!.expires_at, 'carol expires');
    assert.equal(keys.get('dave')!.is_active, false);
    assert.ok(['alice', 'bob', 'carol'].every((name) => keys.get(name)!.is_active));
    // Moved before the last key's bytes were counted, in the same sampling cycle or an earlier one.
    const traffic = new Map(view.history.keys.map((key) => [key.key_name, key.total_traffic]));
    assert.ok(traffic.get('alice')!.rx_bytes >= 2_000_000 && traffic.get('alice')!.tx_bytes >= 30_000_000, JSON.stringify(traffic.get('alice')));
    assert.ok(traffic.get('bob')!.rx_bytes >= 5_000_000 && traffic.get('bob')!.tx_bytes >= 55_000_000, JSON.stringify(traffic.get('bob')));
  });

  test('a second run beside it gets a server and a link of its own, and leaves the first as it was', async () => {
    second = await start();
    assert.notEqual(second.run, first.run);
    assert.notEqual(second.link, first.link);
    assert.deepEqual((await viewAt(second.link)).servers.map((server) => server.name), ['sandbox']);
    assert.equal(first.marks().namespaces.length, 1);
    assert.equal((await viewAt(first.link)).keys.length, 4);
  });

  test('Ctrl-C removes its namespace, every process it started and its temp dirs, and nothing of the other run', async () => {
    const processes = first.processes();
    assert.ok(processes.length > 3, `the run's processes were found: ${JSON.stringify(processes)}`);
    first.interrupt();
    await first.ended;
    assert.match(first.output(), /removed the sandbox/);
    assertRemoved(first, processes);
    assert.equal((await viewAt(second.link)).keys.length, 4);
  });

  test('what a run killed with -9 left, the next run removes', async () => {
    const processes = second.processes();
    process.kill(second.demoPid, 'SIGKILL');
    await second.ended;
    assert.equal(second.marks().namespaces.length, 1, 'its namespace is left');
    assert.ok(processes.some(stillRuns), 'some of its processes are left');
    const third = await start();
    assert.match(third.output(), new RegExp(`removed what an earlier run left \\(${second.run}\\)`));
    assertRemoved(second, processes);
    assert.equal((await viewAt(third.link)).keys.length, 4);
    const thirdProcesses = third.processes();
    third.interrupt();
    await third.ended;
    assertRemoved(third, thirdProcesses);
  });
});
