import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PortFirewall } from '../../src/services/firewall/port-firewall.ts';
import { agentSets, removeAgentChains } from '../support/firewall.ts';

const RANGE = { from: 12301, to: 12340 };
const silent = { info() {}, warn() {}, error() {} };

/**
 * Element changes made at once (keys created 16 at a time) go to the kernel in as few `ipset
 * restore` processes as the queue allows, each change whole and in call order. `ipset` runs
 * through a wrapper on PATH that logs each command, then runs the real one.
 */
describe('firewall element changes made at once', () => {
  const bin = mkdtempSync(join(tmpdir(), 'keyport-ipset-log-'));
  const log = join(bin, 'calls.log');
  const path = process.env.PATH;
  const restores = () => readFileSync(log, 'utf8').split('\n').filter((line) => line.startsWith('-exist restore')).length;

  before(() => {
    removeAgentChains();
    writeFileSync(join(bin, 'ipset'), `#!/bin/sh\necho "$*" >> '${log}'\nexec /usr/sbin/ipset "$@"\n`);
    chmodSync(join(bin, 'ipset'), 0o755);
    writeFileSync(log, '');
    process.env.PATH = `${bin}:${path}`;
  });
  after(() => {
    process.env.PATH = path;
    removeAgentChains();
    rmSync(bin, { recursive: true, force: true });
  });

  test('twenty changes at once take two ipset processes, and every one of them holds', async () => {
    const firewall = new PortFirewall(silent, RANGE);
    await firewall.prepare();
    writeFileSync(log, '');
    const ports = Array.from({ length: 20 }, (_, index) => RANGE.from + index);
    await Promise.all(ports.map((port) => firewall.addPort(port, port % 5 === 0)));
    // The first change starts alone; the other nineteen, made while it waited its turn or ran, go together.
    assert.ok(restores() <= 2, `${restores()} ipset restore processes for 20 changes`);
    const sets = agentSets();
    assert.deepEqual(sets.rx, ports);
    assert.deepEqual(sets.blocked, ports.filter((port) => port % 5 === 0));

    // Removals and adds of the same moment apply in call order: the last word on a port wins.
    writeFileSync(log, '');
    await Promise.all([firewall.removePort(ports[0]!), firewall.setBlocked(ports[1]!, true), firewall.removePort(ports[2]!), firewall.addPort(ports[2]!)]);
    assert.ok(restores() <= 2);
    const after = agentSets();
    assert.equal(after.rx.includes(ports[0]!), false);
    assert.equal(after.rx.includes(ports[2]!), true);
    assert.equal(after.blocked.includes(ports[1]!), true);
  });
});
