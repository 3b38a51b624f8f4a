import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { checkFirewall } from '../../src/services/checks/firewall-check.ts';
import { PortFirewall } from '../../src/services/firewall/port-firewall.ts';

describe('a server without the ipset command', () => {
  const emptyPath = mkdtempSync(join(tmpdir(), 'keyport-no-ipset-'));
  const path = process.env.PATH;
  after(() => {
    process.env.PATH = path;
    rmSync(emptyPath, { recursive: true, force: true });
  });

  test('the firewall is unavailable, says what to install, and changes and reads do nothing', async () => {
    const warnings: string[] = [];
    const firewall = new PortFirewall({ info() {}, warn: (message) => warnings.push(message), error() {} }, { from: 12201, to: 12209 });
    process.env.PATH = emptyPath;
    try {
      await firewall.prepare();
      await firewall.addPorts([{ port: 12201, blocked: false }]);
      assert.deepEqual(await firewall.sync([{ port: 12201, blocked: false }]), { added: [], removed: [], repaired: [], reblocked: [] });
      const snapshot = await firewall.read();
      assert.equal(snapshot.counters.size, 0);
      assert.equal(firewall.available, false);
      assert.match(firewall.unavailableReason ?? '', /ipset command is missing: install the OS package ipset \(apt-get install ipset, or dnf install ipset\)/);
      assert.ok(warnings.some((warning) => warning.includes('ipset')), 'the log says it too');
      const status = checkFirewall([], snapshot, firewall.available, firewall.unavailableReason);
      assert.equal(status.in_sync, false);
      assert.equal(status.unavailable_reason, firewall.unavailableReason);
    } finally {
      process.env.PATH = path;
    }
  });
});

describe('a server whose kernel has no ip_set (or a container without it)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyport-no-ip-set-'));
  const path = process.env.PATH;
  after(() => {
    process.env.PATH = path;
    rmSync(dir, { recursive: true, force: true });
  });

  test('config-status names the kernel module, and how to load it', async () => {
    // The ipset tool is there, the kernel answers as one without ip_set does (ipset 7.17's own words).
    writeFileSync(
      join(dir, 'ipset'),
      '#!/bin/sh\n[ "$1" = --version ] && exec /usr/sbin/ipset --version\necho "ipset v7.17: Kernel error received: ipset protocol error" >&2\nexit 1\n',
    );
    chmodSync(join(dir, 'ipset'), 0o755);
    process.env.PATH = `${dir}:${path}`;
    const firewall = new PortFirewall({ info() {}, warn() {}, error() {} }, { from: 12211, to: 12219 });
    try {
      await firewall.prepare();
    } finally {
      process.env.PATH = path;
    }
    assert.equal(firewall.available, false);
    const status = checkFirewall([], await firewall.read(), firewall.available, firewall.unavailableReason);
    assert.match(status.unavailable_reason ?? '', /^the kernel's ip_set is missing or cannot be loaded \(modprobe ip_set ip_set_bitmap_port xt_set.*ipset protocol error/);
  });
});
