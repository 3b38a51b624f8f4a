import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { IPSET_SCRIPT, describeIpset } from './ipset-package.ts';

test('on a server with ipset the script finds it and installs nothing', () => {
  const out = execFileSync('sh', ['-c', IPSET_SCRIPT], { encoding: 'utf8' });
  const outcome = describeIpset(out, '');
  assert.equal(outcome.ok, true);
  assert.equal(outcome.installed, false);
  assert.equal(outcome.note.id, 'ipsetPresent');
  assert.match(String(outcome.note.facts.version), /^ipset v\d+\.\d+/);
});

test('each outcome says what happened, and what the package manager said when it could not install', () => {
  assert.deepEqual(describeIpset('installed apt-get ipset,iptables ipset v7.17, protocol version: 7\n', ''), {
    ok: true,
    installed: true,
    note: { id: 'ipsetInstalled', facts: { packages: 'ipset, iptables', manager: 'apt-get', version: 'ipset v7.17, protocol version: 7' } },
  });
  assert.deepEqual(describeIpset('failed dnf ipset\n', 'Last metadata expiration check\nError: Unable to find a match: ipset\n'), {
    ok: false,
    installed: false,
    note: { id: 'ipsetInstallFailed', facts: { packages: 'ipset', manager: 'dnf', output: 'Last metadata expiration check / Error: Unable to find a match: ipset' } },
  });
  assert.deepEqual(describeIpset('none ipset,iptables\n', ''), { ok: false, installed: false, note: { id: 'ipsetNoPackageManager', facts: { packages: 'ipset, iptables' } } });
});

test('a server without the tools: the script names exactly the missing packages', () => {
  // Neither ipset nor iptables-save nor a package manager on PATH (the script sets its own PATH first: override it after).
  const script = IPSET_SCRIPT.replace(/^(.*\n)/, '$1PATH=/nonexistent\n');
  const out = execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8' });
  assert.equal(out.trim(), 'none ipset,iptables');
});
