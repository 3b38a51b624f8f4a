import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { connect, createServer, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { PortFirewall } from '../../src/services/firewall/port-firewall.ts';
import { agentSets, removeAgentChains } from '../support/firewall.ts';

const RANGE = { from: 12001, to: 12009 };
const PORT = 12005;
/** The subscription listener's port: outside the range, opened only when the agent serves it. */
const SUBSCRIPTION_PORT = 12443;
const silent = { info() {}, warn() {}, error() {} };
const ESTABLISHED = ['INPUT', '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT'];

function iptables(...args: string[]): string {
  return execFileSync('iptables', ['-w', ...args], { encoding: 'utf8' });
}

/** Whether a TCP connect to 127.0.0.1:port completes within 1 s (a dropped SYN just times out). */
function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, 1_000);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

/**
 * A host whose INPUT policy drops (with the usual "established" rule and nothing for loopback):
 * the key ports answer only once the agent opens them, and counting still comes first.
 */
describe('--open-key-ports on a host whose INPUT drops', () => {
  const listeners: Server[] = [];

  before(async () => {
    removeAgentChains();
    // One key port, and one just outside the range that must stay closed.
    for (const port of [PORT, RANGE.to + 1, SUBSCRIPTION_PORT]) {
      const listener = createServer((socket) => socket.destroy());
      await new Promise<void>((resolve) => listener.listen(port, '127.0.0.1', resolve));
      listeners.push(listener);
    }
    iptables('-A', ...ESTABLISHED);
    iptables('-P', 'INPUT', 'DROP');
  });

  after(async () => {
    iptables('-P', 'INPUT', 'ACCEPT');
    iptables('-D', ...ESTABLISHED);
    await new PortFirewall(silent, RANGE).prepare();
    removeAgentChains();
    for (const listener of listeners) await new Promise((resolve) => listener.close(resolve));
  });

  test('without it the key port is dropped like everything else', async () => {
    await new PortFirewall(silent, RANGE).prepare();
    assert.equal(await connects(PORT), false);
  });

  test('with it the range is accepted first in INPUT, once however often it starts', async () => {
    const firewall = new PortFirewall(silent, RANGE, ['v4', 'v6']);
    await firewall.prepare();
    await firewall.prepare();
    const input = iptables('-S', 'INPUT').split('\n').filter((line) => line.startsWith('-A'));
    assert.deepEqual(input.slice(0, 2), [
      '-A INPUT -p tcp -m set --match-set keyport-blocked dst -j REJECT --reject-with tcp-reset',
      `-A INPUT -p tcp -m tcp --dport ${RANGE.from}:${RANGE.to} -j KEYPORT_OPEN`,
    ], 'the block of disabled keys first, then the open range');
    assert.equal(input.filter((line) => line.endsWith('-j KEYPORT_OPEN')).length, 1);
    assert.match(execFileSync('ip6tables', ['-w', '-S', 'KEYPORT_OPEN'], { encoding: 'utf8' }), /-j ACCEPT/);
    assert.equal(await connects(PORT), true);
    assert.equal(await connects(RANGE.to + 1), false, 'only the key port range is opened');
    await firewall.addPort(PORT);
    assert.equal(await connects(PORT), true);
    assert.deepEqual(agentSets().rx, [PORT], 'the key is counted (in mangle, before filter accepts it)');
  });

  test('the subscription port is accepted beside the range while the agent serves it, and closed by a start without it', async () => {
    assert.equal(await connects(SUBSCRIPTION_PORT), false, 'dropped by the policy first');
    await new PortFirewall(silent, RANGE, ['v4', 'v6'], [SUBSCRIPTION_PORT]).prepare();
    assert.equal(await connects(SUBSCRIPTION_PORT), true);
    assert.equal(await connects(PORT), true, 'the range stays open');
    assert.equal(await connects(RANGE.to + 1), false, 'nothing else is opened');
    const chain = iptables('-S', 'KEYPORT_OPEN');
    assert.match(chain, new RegExp(`^-A KEYPORT_OPEN -p tcp -m tcp --dport ${SUBSCRIPTION_PORT} -j ACCEPT$`, 'm'));
    assert.match(execFileSync('ip6tables', ['-w', '-S', 'KEYPORT_OPEN'], { encoding: 'utf8' }), new RegExp(`--dport ${SUBSCRIPTION_PORT} -j ACCEPT`));
    await new PortFirewall(silent, RANGE, ['v4', 'v6']).prepare();
    assert.equal(await connects(SUBSCRIPTION_PORT), false, 'a start without the listener closes its port');
    assert.equal(await connects(PORT), true);
    assert.equal(iptables('-S', 'INPUT').split('\n').filter((line) => line.endsWith('-j KEYPORT_OPEN')).length, 1, 'one jump left, the range\'s');
  });

  test('a disabled key stays refused, and a start without the flag closes the range again', async () => {
    const firewall = new PortFirewall(silent, RANGE, ['v4']);
    await firewall.prepare();
    await firewall.setBlocked(PORT, true);
    assert.equal(await connects(PORT), false);
    await firewall.setBlocked(PORT, false);
    await new PortFirewall(silent, RANGE).prepare();
    assert.doesNotMatch(iptables('-S'), /KEYPORT_OPEN/);
    assert.equal(await connects(PORT), false);
  });
});
