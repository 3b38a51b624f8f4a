import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { IPSET_SCRIPT, describeIpset } from './ipset-package.ts';

test('on a server with ipset the script finds it and installs nothing', () => {
  const out = execFileSync('sh', ['-c', IPSET_SCRIPT], { encoding: 'utf8' });
  const outcome = describeIpset(out, '');
  assert.equal(outcome.ok, true);
  assert.equal(outcome.installed, false);
  assert.match(outcome.message, /^ipset present \(ipset v\d+\.\d+/);
});

test('each outcome says what happened, and what to install by hand when nothing could', () => {
  assert.deepEqual(describeIpset('installed apt-get ipset,iptables ipset v7.17, protocol version: 7\n', ''), {
    ok: true,
    installed: true,
    message: 'installed the package(s) ipset and iptables with apt-get (ipset v7.17, protocol version: 7)',
  });
  const failed = describeIpset('failed dnf ipset\n', 'Error: Unable to find a match: ipset\n');
  assert.equal(failed.ok, false);
  assert.match(failed.message, /^ipset missing and dnf could not install them \(Error: Unable to find a match: ipset\): the agent counts no traffic until you install the OS packages ipset and iptables/);
  assert.match(describeIpset('none ipset\n', '').message, /^ipset missing and the server has neither apt-get nor dnf: .*apt-get install ipset iptables, or dnf install ipset iptables/);
});

test('a server without the tools: the script names exactly the missing packages', () => {
  // Neither ipset nor iptables-save nor a package manager on PATH (the script sets its own PATH first: override it after).
  const script = IPSET_SCRIPT.replace(/^(.*\n)/, '$1PATH=/nonexistent\n');
  const out = execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8' });
  assert.equal(out.trim(), 'none ipset,iptables');
});
