import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { addPortLines, jumpRules, restoreScript } from '../../src/services/firewall/iptables-rules.ts';
import { legacyCounters, readLegacy } from '../../src/services/firewall/legacy-chains.ts';
import { parseTable } from '../../src/services/firewall/nft-rules.ts';
import type { Logger } from '../../src/lib/logger.ts';
import { PortFirewall } from '../../src/services/firewall/port-firewall.ts';
import { Sampler } from '../../src/services/sampler.ts';
import { KeyStore } from '../../src/services/store/key-store.ts';
import { TrafficStore } from '../../src/services/store/traffic-store.ts';
import { tempDatabase } from '../unit/temp-db.ts';
import { agentSets, removeAgentChains } from '../support/firewall.ts';

const RANGE = { from: 12101, to: 12110 };
const silent: Logger = { info() {}, warn() {}, error() {} };
const FAMILIES = ['iptables', 'ip6tables'] as const;

/** The chains, jumps and rules exactly as the agent before nftables made them. */
function seedOldChains(ports: Array<{ port: number; blocked: boolean }>): void {
  for (const bin of FAMILIES) {
    for (const jump of jumpRules(RANGE)) {
      execFileSync(bin, ['-w', '-N', jump.chain]);
      execFileSync(bin, ['-w', '-I', jump.parent, '1', ...jump.match, '-j', jump.chain]);
    }
    execFileSync(`${bin}-restore`, ['-w', '--noflush'], { input: restoreScript(ports.flatMap((entry) => addPortLines(entry.port, entry.blocked))) });
  }
}

/** Sends `bytes` to the sink on `port` over `host` and waits until the sink has them all. */
function send(host: string, port: number, bytes: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port }, () => socket.end(Buffer.alloc(bytes, 0x61)));
    const timer = setTimeout(() => reject(new Error(`sending ${bytes} to ${host}:${port} took over 10 s`)), 10_000);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('error', reject);
  });
}

/** Counted bytes are IP packets: payload plus headers and ACKs, never less, a little more. */
function assertAbout(actual: number, payload: number, what: string) {
  assert.ok(actual >= payload && actual <= payload * 1.15 + 16_384, `${what}: ${actual} is not about ${payload}`);
}

/**
 * Where iptables-legacy is what `iptables` runs: the tools by those names in a directory put first
 * on PATH (xtables-legacy-multi acts by the name it is called by).
 */
function useLegacyIptables(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'keyport-iptables-legacy-'));
  for (const family of ['iptables', 'ip6tables']) {
    for (const tool of ['', '-save', '-restore']) symlinkSync('/usr/sbin/xtables-legacy-multi', join(dir, `${family}${tool}`));
  }
  const path = process.env.PATH;
  process.env.PATH = `${dir}:${path}`;
  return () => {
    process.env.PATH = path;
    rmSync(dir, { recursive: true, force: true });
  };
}

interface UpgradeFixture {
  keys: KeyStore;
  traffic: TrafficStore;
  open: { id: string; port: number };
  disabled: { id: string; port: number };
  /** A sampler on the fresh accounting, as a starting agent makes it. */
  newSampler(log?: Logger): { firewall: PortFirewall; sampler: Sampler };
}

/** Two keys in `range` (one to be disabled), a sink listening on the open one's port; the agent's firewall removed after. */
function upgradeFixture(range: { from: number; to: number }, setUp: () => void = () => {}, tearDown: () => void = () => {}): UpgradeFixture {
  const { db } = tempDatabase();
  const keys = new KeyStore(db);
  const traffic = new TrafficStore(db);
  let sink: Server;
  const fixture: UpgradeFixture = {
    keys,
    traffic,
    open: { id: 'open', port: 0 },
    disabled: { id: 'disabled', port: 0 },
    newSampler(log = silent) {
      const firewall = new PortFirewall(log, range);
      return { firewall, sampler: new Sampler({ firewall, keys, traffic, intervalMs: 10_000, log: silent }) };
    },
  };

  before(async () => {
    setUp();
    removeAgentChains();
    for (const key of [fixture.open, fixture.disabled]) {
      key.port = keys.create({ id: key.id, name: key.id, uuid: `uuid-${key.id}`, createdAtMs: 0 }, range, () => false).port;
    }
    sink = createServer((socket) => {
      socket.resume();
      socket.on('end', () => socket.end());
    });
    await new Promise<void>((resolve) => sink.listen({ port: fixture.open.port, host: '::', ipv6Only: false }, resolve));
  });

  after(async () => {
    removeAgentChains();
    tearDown();
    await new Promise((resolve) => sink.close(resolve));
  });
  return fixture;
}

/**
 * The move of the old accounting's counters, whichever it was: 200 KB the old agent recorded, 400
 * KB over both families it never saw, then 200 KB on the sets. Each is counted once.
 */
async function assertMovedOnce(fixture: UpgradeFixture, old: { seed: (ports: Array<{ port: number; blocked: boolean }>) => void; counters: () => Promise<Map<string, number>>; assertGone: () => void; log?: Logger }) {
  const { open, disabled, traffic } = fixture;
  old.seed([{ port: open.port, blocked: false }, { port: disabled.port, blocked: true }]);
  // What the old agent saw and recorded in its last cycle...
  await send('127.0.0.1', open.port, 200_000);
  fixture.newSampler().sampler.absorbRetired(await old.counters());
  assertAbout(traffic.totals(open.id).totalRxBytes, 200_000, 'recorded by the old agent');
  // ...and what moved after it, over both families, before the new agent started.
  await send('127.0.0.1', open.port, 300_000);
  await send('::1', open.port, 100_000);

  const { firewall, sampler } = fixture.newSampler(old.log);
  await firewall.prepare(sampler);
  assert.equal(firewall.available, true, firewall.unavailableReason ?? '');
  assertAbout(traffic.totals(open.id).totalRxBytes, 600_000, 'after the move');
  old.assertGone();
  assert.deepEqual([...traffic.loadBaselines().keys()].filter((id) => !id.startsWith('ipset:')), [], 'the old baselines went with the old accounting');
  const sets = agentSets();
  assert.deepEqual(sets.rx, [open.port, disabled.port].sort((a, b) => a - b), 'the old ports are counted in the sets');
  assert.deepEqual(sets.blocked, [disabled.port], 'and the disabled key stays blocked');

  // The sets count from the move on, once.
  await send('::1', open.port, 150_000);
  await send('127.0.0.1', open.port, 50_000);
  assert.equal((await sampler.cycle()).ok, true);
  assertAbout(traffic.totals(open.id).totalRxBytes, 800_000, 'after the first cycle on ipset');
  assert.ok(traffic.totals(open.id).totalTxBytes > 0);
}

async function assertRestartCountsNothing(fixture: UpgradeFixture) {
  const before = fixture.traffic.totals(fixture.open.id).totalRxBytes;
  const { firewall, sampler } = fixture.newSampler();
  await firewall.prepare(sampler);
  assert.equal((await sampler.cycle()).ok, true);
  assert.equal(fixture.traffic.totals(fixture.open.id).totalRxBytes, before);
}

for (const backend of ['nf_tables', 'legacy'] as const) {
  describe(`upgrading from the iptables chains (iptables ${backend}) to the ipset sets`, { skip: backend === 'legacy' && !existsSync('/usr/sbin/xtables-legacy-multi') && 'no iptables-legacy here' }, () => {
    let restorePath = () => {};
    const fixture = upgradeFixture(
      RANGE,
      () => {
        if (backend === 'legacy') restorePath = useLegacyIptables();
        assert.match(execFileSync('iptables', ['--version'], { encoding: 'utf8' }), new RegExp(`\\(${backend}\\)`));
      },
      () => restorePath(),
    );

    test('bytes the old chains counted, recorded or not yet, are kept once; the chains go', () =>
      assertMovedOnce(fixture, {
        seed: seedOldChains,
        counters: async () => legacyCounters(await readLegacy()),
        assertGone: () => {
          assert.doesNotMatch(execFileSync('iptables-save', ['-t', 'filter'], { encoding: 'utf8' }), /KEYPORT_(IN|OUT)/);
          assert.doesNotMatch(execFileSync('ip6tables-save', ['-t', 'filter'], { encoding: 'utf8' }), /KEYPORT_(IN|OUT)/);
        },
      }));

    test('a restart after the move counts nothing again', () => assertRestartCountsNothing(fixture));

    test('a start that stopped between recording the old counters and removing the chains counts them once', async () => {
      const { traffic, open } = fixture;
      const start = traffic.totals(open.id).totalRxBytes;
      // The old chains, counting, as a crash before their removal leaves them; recorded once...
      removeAgentChains();
      seedOldChains([{ port: open.port, blocked: false }]);
      await send('127.0.0.1', open.port, 100_000);
      fixture.newSampler().sampler.absorbRetired(legacyCounters(await readLegacy()));
      // ...then the new agent starts over chains whose counters it has already recorded.
      const { firewall, sampler } = fixture.newSampler();
      await firewall.prepare(sampler);
      assertAbout(traffic.totals(open.id).totalRxBytes - start, 100_000, 'recorded once');
    });
  });
}

/** The table, sets and chains exactly as the agent before ipset made them (nft-rules.ts's layout then), with these ports. */
function seedOldTable(ports: Array<{ port: number; blocked: boolean }>): void {
  const T = 'inet keyport';
  const all = ports.map((entry) => entry.port).join(', ');
  const blocked = ports.filter((entry) => entry.blocked).map((entry) => entry.port);
  const lines = [
    `add table ${T}`,
    ...['rx', 'tx', 'syn'].map((name) => `add set ${T} ${name} { type inet_service; counter; }`),
    `add set ${T} blocked { type inet_service; }`,
    `add chain ${T} input { type filter hook input priority filter - 10; policy accept; }`,
    `add chain ${T} output { type filter hook output priority filter - 10; policy accept; }`,
    `add rule ${T} input tcp dport @blocked reject with tcp reset`,
    `add rule ${T} input tcp flags & (fin|syn|rst|ack) == syn tcp dport @syn`,
    `add rule ${T} input tcp dport @rx`,
    `add rule ${T} output tcp sport @tx`,
    ...['rx', 'tx', 'syn'].map((name) => `add element ${T} ${name} { ${all} }`),
    ...(blocked.length > 0 ? [`add element ${T} blocked { ${blocked.join(', ')} }`] : []),
  ];
  execFileSync('nft', ['-f', '-'], { input: `${lines.join('\n')}\n` });
}

/** The old table's counters keyed as that agent stored them: `rx:PORT`. */
function oldTableCounters(): Map<string, number> {
  const counters = new Map<string, number>();
  const ports = parseTable(execFileSync('nft', ['-j', 'list', 'table', 'inet', 'keyport'], { encoding: 'utf8' }));
  for (const [port, rules] of ports) for (const [kind, value] of rules.counters) counters.set(`${kind}:${port}`, value);
  return counters;
}

const tableExists = () => {
  try {
    execFileSync('nft', ['list', 'table', 'inet', 'keyport'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

describe('upgrading from the nftables table to the ipset sets', () => {
  const fixture = upgradeFixture({ from: 12111, to: 12120 });
  const warnings: string[] = [];
  const log: Logger = { info() {}, warn: (message) => void warnings.push(message), error() {} };

  test('bytes the table counted, recorded or not yet, are kept once; the table goes', () =>
    assertMovedOnce(fixture, {
      seed: seedOldTable,
      counters: async () => oldTableCounters(),
      assertGone: () => assert.equal(tableExists(), false, 'the table is gone'),
      log,
    }));

  test('a restart after the move counts nothing again', () => assertRestartCountsNothing(fixture));

  test('a start that stopped between recording the table\'s counters and removing it counts them once', async () => {
    const { traffic, open } = fixture;
    const start = traffic.totals(open.id).totalRxBytes;
    // The table stopped and its counters recorded, as a crash of the new agent before removing it leaves it...
    removeAgentChains();
    seedOldTable([{ port: open.port, blocked: false }]);
    await send('127.0.0.1', open.port, 100_000);
    execFileSync('nft', ['-f', '-'], { input: 'flush chain inet keyport input\nflush chain inet keyport output\n' });
    fixture.newSampler().sampler.absorbRetired(oldTableCounters());
    // ...then the new agent starts again over a table whose counters it has already recorded.
    const { firewall, sampler } = fixture.newSampler();
    await firewall.prepare(sampler);
    assertAbout(traffic.totals(open.id).totalRxBytes - start, 100_000, 'recorded once');
    assert.equal(tableExists(), false);
    assert.equal((await sampler.cycle()).ok, true);
    assertAbout(traffic.totals(open.id).totalRxBytes - start, 100_000, 'and the first cycle adds nothing');
  });

  test('a table of another shape is removed, and the log says its counters are lost', async () => {
    removeAgentChains();
    execFileSync('nft', ['-f', '-'], { input: 'add table inet keyport\nadd set inet keyport rx { type inet_service; }\n' });
    const { firewall, sampler } = fixture.newSampler(log);
    await firewall.prepare(sampler);
    assert.equal(firewall.available, true);
    assert.equal(tableExists(), false);
    assert.ok(warnings.some((warning) => warning.includes('unreadable')));
  });
});
