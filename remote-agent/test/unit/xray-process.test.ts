import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { XrayProcess } from '../../src/services/xray/xray-process.ts';

test('an Xray this agent started runs until it exits, whatever its command line shows as a wrapper script execs', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'keyport-xray-process-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // A launcher that execs something else: /proc/PID/cmdline no longer names our config.
  const bin = join(dir, 'xray');
  writeFileSync(bin, '#!/bin/sh\nexec sleep 30\n');
  chmodSync(bin, 0o755);
  const xray = new XrayProcess({ bin, configPath: join(dir, 'config.json'), pidFile: join(dir, 'xray.pid'), logFile: join(dir, 'xray.log') });

  const pid = await xray.start();
  t.after(() => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  });
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(await xray.runningPid(), pid, 'seen running while it lives');
  await xray.stop();
  assert.equal(await xray.runningPid(), undefined, 'and gone once stopped');
});
