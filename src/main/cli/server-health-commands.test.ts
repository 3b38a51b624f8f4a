import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ConfigSyncReport } from '../../shared/contract/api-types.ts';
import type { PortCheck, XrayHealth } from '../../shared/contract/server-health.ts';
import type { ServerStatus } from '../../shared/contract/servers.ts';
import { fakeCore } from './testing/fake-core.ts';
import { SERVER } from './testing/fixtures.ts';
import { runInProcess } from './testing/run-in-process.ts';

const CHECK: PortCheck = {
  host: '203.0.113.7',
  port: 10001,
  keyName: 'anna',
  reachable: false,
  failure: 'timeout',
  errorCode: null,
  timeoutMs: 3000,
  keyPorts: { from: 10001, to: 29999 },
  checkedAt: '2025-08-05T12:00:00.000Z',
};

const XRAY_MISSING: XrayHealth = {
  state: 'missing',
  binaryPath: '/usr/local/bin/xray',
  installed: false,
  running: false,
  pid: null,
  rssBytes: null,
  openFds: null,
  openFilesLimit: null,
  liveInbounds: null,
  apiReachable: false,
  apiError: null,
  inSync: false,
  expectedInbounds: 2,
  missingInbounds: 2,
  extraInbounds: 0,
  changedInbounds: 0,
  lastApplyError: null,
  firewallInSync: true,
  notServing: [],
  strayPids: [],
  routingInSync: true,
  privateDestinationsBlocked: true,
  versionSupport: null,
};

function onlineStatus(changes: Partial<ServerStatus>): ServerStatus {
  return { server: SERVER, state: 'online', reason: null, agentVersion: '2.1.3', agentOutdated: false, xrayVersion: '26.7.28', xrayVersionSupport: null, keyCount: 2, activeKeyCount: 2, keyLimits: null, xray: null, portCheck: null, problems: [], ...changes };
}

describe('server status: what keeps links from working', () => {
  test('an online server without Xray says "not installed" and, below the table, the command that installs it', async () => {
    const status = onlineStatus({ xrayVersion: null, xray: XRAY_MISSING, problems: [{ code: 'xray-missing', fix: 'install-xray', binaryPath: '/usr/local/bin/xray' }] });
    const { core } = fakeCore({ fleet: { status: async () => status } });
    const result = await runInProcess(['server', 'status', 'alpha'], { core });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\nalpha +online +2\.1\.3 +not installed +2 +2 +- +- +- *\n/);
    assert.match(result.stdout, /\nalpha: Xray is not installed \(no \/usr\/local\/bin\/xray\), so no key's link works yet: keyport server install-xray alpha\n$/);
  });

  test("a running Xray's pid, inbounds, resident memory and open files are said below the table", async () => {
    const xray: XrayHealth = { ...XRAY_MISSING, state: 'ok', installed: true, running: true, apiReachable: true, inSync: true, missingInbounds: 0, pid: 4242, liveInbounds: 10000, rssBytes: 812 * 1024 * 1024, openFds: 10013, openFilesLimit: 524288 };
    const { core } = fakeCore({ fleet: { status: async () => onlineStatus({ xray }) } });
    const result = await runInProcess(['server', 'status', 'alpha'], { core });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\nalpha: Xray pid 4242, 10000 inbound\(s\), 812\.00 MiB resident, 10013 open files of 524288 allowed\n$/);
  });

  test('an Xray that runs under an older agent, which reports no usage, is named by its pid alone', async () => {
    const xray: XrayHealth = { ...XRAY_MISSING, state: 'api-unreachable', installed: true, running: true, pid: 4242 };
    const { core } = fakeCore({ fleet: { status: async () => onlineStatus({ xray }) } });
    const result = await runInProcess(['server', 'status', 'alpha'], { core });
    assert.match(result.stdout, /\nalpha: Xray pid 4242\n/);
  });

  test('an Xray out of step counts what is missing and names sync-config', async () => {
    const status = onlineStatus({
      xray: { ...XRAY_MISSING, state: 'out-of-sync', installed: true, running: true, apiReachable: true, missingInbounds: 1, extraInbounds: 3 },
      problems: [{ code: 'xray-out-of-sync', fix: 'sync-config', expectedInbounds: 2, missingInbounds: 1, extraInbounds: 3, changedInbounds: 0 }],
    });
    const { core } = fakeCore({ fleet: { status: async () => status } });
    const result = await runInProcess(['server', 'status', 'alpha'], { core });
    assert.match(result.stdout, /alpha +online +2\.1\.3 +26\.7\.28 \(out of sync\)/);
    assert.match(result.stdout, /alpha: Xray is out of step with the keys: 1 of 2 active keys served \(1 missing, 3 not of an active key\): keyport server sync-config alpha\n$/);
  });

  test('a key port that does not answer names the range to open', async () => {
    const status = onlineStatus({ portCheck: CHECK, problems: [{ code: 'port-unreachable', fix: 'open-firewall', host: '203.0.113.7', port: 10001, keyPorts: { from: 10001, to: 29999 }, failure: 'timeout' }] });
    const { core } = fakeCore({ fleet: { status: async () => status } });
    const result = await runInProcess(['server', 'status', 'alpha'], { core });
    assert.ok(
      result.stdout.includes("alpha: port 10001 is not reachable from here: open 10001-29999/tcp in your provider's firewall (connecting to 203.0.113.7:10001: no answer, the packets are dropped)\n"),
      result.stdout,
    );
  });
});

describe('server check-ports', () => {
  test('exits 1 with the range to open when the port does not answer; prints the check as JSON with --json', async () => {
    const { core, calls } = fakeCore({ fleet: { checkPorts: async () => ({ ...CHECK, failure: 'refused', errorCode: 'ECONNREFUSED' }) } });
    const result = await runInProcess(['server', 'check-ports', 'alpha'], { core });
    assert.equal(result.code, 1);
    assert.equal(result.stderr, "keyport: port 10001 is not reachable from here: open 10001-29999/tcp in your provider's firewall (connecting to 203.0.113.7:10001: refused)\n");
    assert.deepEqual(calls, ['fleet.checkPorts', 'close']);
    const json = await runInProcess(['server', 'check-ports', 'alpha', '--json'], { core });
    assert.equal(json.code, 1);
    assert.equal(JSON.parse(json.stdout).failure, 'refused');
  });

  test('exits 0 when the port answers, saying which key was tried', async () => {
    const { core } = fakeCore({ fleet: { checkPorts: async () => ({ ...CHECK, reachable: true, failure: null }) } });
    const result = await runInProcess(['server', 'check-ports', 'alpha'], { core });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'port 10001 on 203.0.113.7 answers from here (key anna): its links can connect.\n');
  });

  test('without a range known, it says to open the port and the rest of the range', async () => {
    const { core } = fakeCore({ fleet: { checkPorts: async () => ({ ...CHECK, keyPorts: null }) } });
    const result = await runInProcess(['server', 'check-ports', 'alpha'], { core });
    assert.match(result.stderr, /open 10001\/tcp and the rest of the key port range in your provider's firewall/);
  });

  test('takes exactly one server name', async () => {
    const result = await runInProcess(['server', 'check-ports'], { core: fakeCore().core });
    assert.equal(result.code, 2);
  });
});

describe('server sync-config', () => {
  const report = (inSync: boolean) =>
    ({
      firewall: { added: [10001], removed: [], repaired: [], reblocked: [] },
      xray: { at_ms: 1, method: 'api', ok: true, detail: 'added 1 inbound' },
      in_sync: inSync,
      xray_status: {},
    }) as unknown as ConfigSyncReport;

  test('says what it fixed and exits 0 once in sync', async () => {
    const { core, calls } = fakeCore({ system: { syncConfig: async () => report(true) } });
    const result = await runInProcess(['server', 'sync-config', 'alpha'], { core });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'Firewall: 1 port(s) fixed. Xray: added 1 inbound\nalpha is in sync.\n');
    assert.deepEqual(calls, ['system.syncConfig', 'close']);
  });

  test('exits 1 when something is still out of sync, pointing at server status', async () => {
    const { core } = fakeCore({ system: { syncConfig: async () => report(false) } });
    const result = await runInProcess(['server', 'sync-config', 'alpha'], { core });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /still out of sync: keyport server status alpha/);
  });
});
