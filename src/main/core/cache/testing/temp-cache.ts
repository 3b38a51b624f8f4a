import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { ServerInfo } from '../../../../shared/contract/servers.ts';
import { ConsoleCache } from '../console-cache.ts';
import type { SnapshotKinds } from '../snapshot-kinds.ts';

/** Snapshot kinds for tests of the storage itself: any name, any JSON. */
export type AnySnapshots = Record<string, unknown>;

/** A real cache file in a fresh directory, closed and removed when the test ends. */
export function openTempCache<Kinds extends object = SnapshotKinds>(t: TestContext): { cache: ConsoleCache<Kinds>; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'keyport-cache-'));
  const path = join(dir, 'cache.sqlite');
  const cache = new ConsoleCache<Kinds>(path);
  t.after(() => {
    cache.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { cache, path };
}

/** Server `s1`, "alpha", with an agent deployed at `at`, as the services' tests need one. */
export function deployedAlpha(at: string): ServerInfo {
  return {
    id: 's1',
    name: 'alpha',
    target: { host: 'alpha.example', port: 22, user: 'root', auth: { method: 'agent' }, proxyJump: [] },
    sshAlias: null,
    hostKeyFingerprint: 'SHA256:x',
    addedAt: at,
    agent: { version: '0.1.0', release: 'r1', deployedAt: at, apiPort: 8000 },
    lastSyncedAt: null,
  };
}
