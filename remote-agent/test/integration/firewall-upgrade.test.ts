import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { addPortLines, jumpRules, restoreScript } from '../../src/services/firewall/iptables-rules.ts';
import { legacyCounters, readLegacy } from '../../src/services/firewall/legacy-chains.ts';
import { PortFirewall } from '../../src/services/firewall/port-firewall.ts';
import { Sampler } from '../../src/services/sampler.ts';
import { KeyStore } from '../../src/services/store/key-store.ts';
import { TrafficStore } from '../../src/services/store/traffic-store.ts';
import { tempDatabase } from '../unit/temp-db.ts';
import { agentSets, removeAgentChains } from '../support/firewall.ts';

const RANGE = { from: 12101, to: 12110 };
const silent = { info() {}, warn() {}, error() {} };
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

for (const backend of ['nf_tables', 'legacy'] as const) {
  describe(`upgrading from the iptables chains (iptables ${backend}) to the ipset sets`, { skip: backend === 'legacy' && !existsSync('/usr/sbin/xtables-legacy-multi') && 'no iptables-legacy here' }, () => {
    const { db } = tempDatabase();
    let restorePath = () => {};
    const keys = new KeyStore(db);
    const traffic = new TrafficStore(db);
    let open: { id: string; port: number };
    let disabled: { id: string; port: number };
    let sink: Server;
    const samplerNow = () => new Sampler({ firewall: new PortFirewall(silent, RANGE), keys, traffic, intervalMs: 10_000, log: silent });

    before(async () => {
      if (backend === 'legacy') restorePath = useLegacyIptables();
      assert.match(execFileSync('iptables', ['--version'], { encoding: 'utf8' }), new RegExp(`\\(${backend}\\)`));
      removeAgentChains();
      for (const id of ['open', 'disabled']) {
        const port = keys.create({ id, name: id, uuid: `uuid-${id}`, createdAtMs: 0 }, RANGE, () => false).port;
        if (id === 'open') open = { id, port };
        else disabled = { id, port };
      }
      sink = createServer((socket) => {
        socket.resume();
        socket.on('end', () => socket.end());
      });
      await new Promise<void>((resolve) => sink.listen({ port: open.port, host: '::', ipv6Only: false }, resolve));
    });

    after(async () => {
      removeAgentChains();
      restorePath();
      await new Promise((resolve) => sink.close(resolve));
    });

    test('bytes the old chains counted, recorded or not yet, are kept once; the chains go', async () => {
      seedOldChains([{ port: open.port, blocked: false }, { port: disabled.port, blocked: true }]);
      // What the old agent saw and recorded in its last cycle...
      await send('127.0.0.1', open.port, 200_000);
      samplerNow().absorbRetired(legacyCounters(await readLegacy()));
      assertAbout(traffic.totals(open.id).totalRxBytes, 200_000, 'recorded by the old agent');
      // ...and what moved after it, over both families, before the new agent started.
      await send('127.0.0.1', open.port, 300_000);
      await send('::1', open.port, 100_000);

      const firewall = new PortFirewall(silent, RANGE);
      const sampler = new Sampler({ firewall, keys, traffic, intervalMs: 10_000, log: silent });
      await firewall.prepare(sampler);
      assert.equal(firewall.available, true);
      assertAbout(traffic.totals(open.id).totalRxBytes, 600_000, 'after the move');
      assert.doesNotMatch(execFileSync('iptables-save', ['-t', 'filter'], { encoding: 'utf8' }), /KEYPORT_(IN|OUT)/);
      assert.doesNotMatch(execFileSync('ip6tables-save', ['-t', 'filter'], { encoding: 'utf8' }), /KEYPORT_(IN|OUT)/);
      assert.deepEqual([...traffic.loadBaselines().keys()].filter((id) => /^v[46]:/.test(id)), [], 'the old baselines went with the chains');
      const sets = agentSets();
      assert.deepEqual(sets.rx, [open.port, disabled.port].sort((a, b) => a - b), 'the old ports are counted in the sets');
      assert.deepEqual(sets.blocked, [disabled.port], 'and the disabled key stays blocked');

      // The sets count from the move on, once.
      await send('::1', open.port, 150_000);
      await send('127.0.0.1', open.port, 50_000);
      assert.equal((await sampler.cycle()).ok, true);
      assertAbout(traffic.totals(open.id).totalRxBytes, 800_000, 'after the first cycle on ipset');
      assert.ok(traffic.totals(open.id).totalTxBytes > 0);
    });

    test('a restart after the move counts nothing again', async () => {
      const before = traffic.totals(open.id).totalRxBytes;
      const firewall = new PortFirewall(silent, RANGE);
      const sampler = new Sampler({ firewall, keys, traffic, intervalMs: 10_000, log: silent });
      await firewall.prepare(sampler);
      assert.equal((await sampler.cycle()).ok, true);
      assert.equal(traffic.totals(open.id).totalRxBytes, before);
    });

    test('a start that stopped between recording the old counters and removing the chains counts them once', async () => {
      const start = traffic.totals(open.id).totalRxBytes;
      // The old chains, counting, as a crash before their removal leaves them; recorded once...
      removeAgentChains();
      seedOldChains([{ port: open.port, blocked: false }]);
      await send('127.0.0.1', open.port, 100_000);
      const sampler = samplerNow();
      sampler.absorbRetired(legacyCounters(await readLegacy()));
      // ...then the new agent starts over chains whose counters it has already recorded.
      const firewall = new PortFirewall(silent, RANGE);
      await firewall.prepare(new Sampler({ firewall, keys, traffic, intervalMs: 10_000, log: silent }));
      assertAbout(traffic.totals(open.id).totalRxBytes - start, 100_000, 'recorded once');
    });
  });
}
