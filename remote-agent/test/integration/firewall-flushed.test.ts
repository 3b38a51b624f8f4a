import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { connect, createServer, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { PortFirewall } from '../../src/services/firewall/port-firewall.ts';
import { agentSets, removeAgentChains } from '../support/firewall.ts';

const RANGE = { from: 12301, to: 12309 };
const desired = [{ port: 12301, blocked: false }, { port: 12302, blocked: true }];

/** Sends `bytes` to the sink on 127.0.0.1:`port` and waits until the sink closes. */
function send(port: number, bytes: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.end(Buffer.alloc(bytes, 0x61)));
    socket.once('close', () => resolve());
    socket.once('error', reject);
  });
}

const iptablesS = (bin: string, table: string) => execFileSync(bin, ['-w', '-t', table, '-S'], { encoding: 'utf8' });

describe('the agent\'s sets or rules removed under it (a firewall reload, an admin\'s flush)', () => {
  let sink: Server;
  const warnings: string[] = [];
  const firewall = new PortFirewall({ info() {}, warn: (message) => warnings.push(message), error() {} }, RANGE);

  before(async () => {
    removeAgentChains();
    sink = createServer((socket) => {
      socket.resume();
      socket.on('end', () => socket.end());
    });
    await new Promise<void>((resolve) => sink.listen(12301, '127.0.0.1', resolve));
    await firewall.prepare();
    await firewall.addPorts(desired);
  });

  after(async () => {
    removeAgentChains();
    await new Promise((resolve) => sink.close(resolve));
  });

  test('rules flushed: the next sync puts them back first, and the counters kept go on counting', async () => {
    await send(12301, 50_000);
    const before = (await firewall.read()).counters.get('ipset:rx:12301')!;
    assert.ok(before >= 50_000);
    for (const bin of ['iptables', 'ip6tables']) {
      execFileSync(bin, ['-w', '-t', 'mangle', '-F']);
      execFileSync(bin, ['-w', '-F', 'INPUT']);
      execFileSync(bin, ['-w', '-I', 'INPUT', '1', '-i', 'lo', '-j', 'ACCEPT']);
    }
    const restarted: number[] = [];
    const result = await firewall.sync(desired, (ports) => restarted.push(...ports));
    assert.deepEqual(result, { added: [], removed: [], repaired: [], reblocked: [] });
    assert.deepEqual(restarted, [], 'no counter restarts');
    for (const bin of ['iptables', 'ip6tables']) {
      assert.match(iptablesS(bin, 'mangle'), /-A INPUT -j KEYPORT_COUNT_IN\n-A OUTPUT -j KEYPORT_COUNT_OUT/);
      assert.match(iptablesS(bin, 'filter'), /-A INPUT -p tcp -m set --match-set keyport-blocked dst -j REJECT --reject-with tcp-reset\n-A INPUT -i lo -j ACCEPT/, 'the block first again, before the host rule');
    }
    await send(12301, 50_000);
    assert.ok((await firewall.read()).counters.get('ipset:rx:12301')! >= before + 50_000);
  });

  test('rules and sets destroyed: a read fails the cycle, the next sync makes them again with every port, counters restarting', async () => {
    for (const bin of ['iptables', 'ip6tables']) {
      execFileSync(bin, ['-w', '-t', 'mangle', '-F']);
      execFileSync(bin, ['-w', '-t', 'mangle', '-X']);
      execFileSync(bin, ['-w', '-F', 'INPUT']);
    }
    execFileSync('ipset', ['destroy']);
    await assert.rejects(firewall.read(), 'a read without the sets fails the cycle: it never reads zeros as counters');
    const restarted: number[] = [];
    const result = await firewall.sync(desired, (ports) => restarted.push(...ports));
    assert.deepEqual(result.added, [12301, 12302]);
    assert.deepEqual(restarted, [12301, 12302], 'the sampler hears that their counters restart');
    assert.deepEqual(agentSets().rx, [12301, 12302]);
    assert.deepEqual(agentSets().blocked, [12302]);
    assert.equal((await firewall.read()).counters.get('ipset:rx:12301'), 0);
    assert.ok(warnings.some((warning) => warning.includes('made again')));
    await send(12301, 20_000);
    assert.ok((await firewall.read()).counters.get('ipset:rx:12301')! >= 20_000, 'and they count');
  });

  test('sets flushed (`ipset flush`): the sync puts every port back from zero, not from what the bitmap kept', async () => {
    await send(12301, 30_000);
    execFileSync('ipset', ['flush']);
    assert.equal((await firewall.read()).ports.size, 0, 'a read shows no ports: the reconcile and config-status see them missing');
    const restarted: number[] = [];
    const result = await firewall.sync(desired, (ports) => restarted.push(...ports));
    assert.deepEqual(result.added, [12301, 12302]);
    assert.deepEqual(restarted, [12301, 12302]);
    assert.equal((await firewall.read()).counters.get('ipset:rx:12301'), 0);
  });

  test('a deleted port leaves zeros behind: a later key on it starts from nothing', async () => {
    await send(12301, 30_000);
    await firewall.removePort(12301);
    await firewall.addPort(12301);
    assert.equal((await firewall.read()).counters.get('ipset:rx:12301'), 0);
  });
});
