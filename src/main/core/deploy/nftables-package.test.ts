import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { NFTABLES_SCRIPT, describeNftables } from './nftables-package.ts';

test('on a server with nft the script finds it and installs nothing', () => {
  const out = execFileSync('sh', ['-c', NFTABLES_SCRIPT], { encoding: 'utf8' });
  const outcome = describeNftables(out, '');
  assert.equal(outcome.ok, true);
  assert.equal(outcome.installed, false);
  assert.match(outcome.message, /^nft present \(nftables v\d+\.\d+/);
});

test('each outcome says what happened, and what to install by hand when nothing could', () => {
  assert.deepEqual(describeNftables('installed apt-get nftables v1.0.6 (Lester Gooch #5)\n', ''), {
    ok: true,
    installed: true,
    message: 'nft was missing: installed the package nftables with apt-get (nftables v1.0.6 (Lester Gooch #5))',
  });
  const failed = describeNftables('failed dnf\n', 'Error: Unable to find a match: nftables\n');
  assert.equal(failed.ok, false);
  assert.match(failed.message, /dnf could not install nftables \(Error: Unable to find a match: nftables\): the agent counts no traffic until you install the OS package nftables/);
  assert.match(describeNftables('none\n', '').message, /neither apt-get nor dnf: .*apt-get install nftables, or dnf install nftables/);
});
