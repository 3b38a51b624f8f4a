import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../src/lib/logger.ts';
import { parseSave } from '../src/services/firewall/ipset-rules.ts';
import { Sampler } from '../src/services/sampler.ts';
import { openDatabase } from '../src/services/store/database.ts';
import { KeyStore } from '../src/services/store/key-store.ts';
import { TrafficStore, type KeyCycleDelta } from '../src/services/store/traffic-store.ts';
import { WalCheckpointer } from '../src/services/store/wal-checkpointer.ts';
import { installAgentRules, removeAgentChains } from './firewall.ts';
import { seedDatabase } from './seed-data.ts';
import { median } from './stats.ts';

const run = promisify(execFile);
const log: Logger = { warn: (m) => console.error(m), info: () => {}, error: (m) => console.error(m) };
const PORTS = 10_000;
const RUNS = 5;

/** Where a moved cycle's time goes, part by part (each part timed on its own, medians of RUNS). */
async function main(): Promise<void> {
  await removeAgentChains();
  const dir = await mkdtemp(join(tmpdir(), 'keyport-bench-parts-'));
  const path = join(dir, 'keyport.db');
  const db = openDatabase(path);
  const checkpointer = new WalCheckpointer({ db, path, log });
  const parts = new Map<string, number[]>();
  const time = async <T>(name: string, work: () => T | Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await work();
    (parts.get(name) ?? parts.set(name, []).get(name)!).push(performance.now() - started);
    return result;
  };
  try {
    const keys = seedDatabase(db, { keys: PORTS });
    checkpointer.start();
    const firewall = await installAgentRules(keys.map((key) => key.port));
    const traffic = new TrafficStore(db);
    const keyList = new KeyStore(db).list();
    for (let index = 0; index < RUNS; index += 1) {
      const saved = await time('ipset save', async () => (await run('ipset', ['save'], { maxBuffer: 64 << 20 })).stdout);
      await time('parseSave', () => parseSave(saved));
      await time('firewall.read()', () => firewall.read());
      const atMs = Date.now() + index;
      const deltas: KeyCycleDelta[] = keyList.map((key) => ({ keyId: key.id, rxBytes: 1000, txBytes: 2000, newConnections: 1, connections: 0 })).sort((a, b) => (a.keyId < b.keyId ? -1 : 1));
      const counters = (await firewall.read()).counters;
      const baselines = new Map([...counters.keys()].map((id) => [id, index * 1000 + 5]));
      await time('recordCycle: deltas only', () => traffic.recordCycle({ atMs, day: '2026-12-02', deltas, baselines: new Map() }));
      await time('recordCycle: baselines only', () => traffic.recordCycle({ atMs, day: '2026-12-02', deltas: [], baselines }));
      await checkpointer.checkpoint();
      new TrafficStore(db).recordCycle({ atMs, day: '', deltas: [], baselines: new Map([...counters.keys()].map((id) => [id, -1000])) });
      const sampler = new Sampler({ firewall, keys: new KeyStore(db), traffic: new TrafficStore(db), intervalMs: 10_000, log });
      await checkpointer.checkpoint();
      await time('whole moved cycle', () => sampler.cycle());
      await checkpointer.checkpoint();
    }
    console.log(`load average ${(await run('cat', ['/proc/loadavg'])).stdout.trim()}`);
    for (const [name, times] of parts) console.log(`${name.padEnd(30)} ${median(times).toFixed(1)} ms  (${times.map((t) => t.toFixed(0)).join(' ')})`);
  } finally {
    await checkpointer.stop();
    db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error((error as Error).stack);
  process.exitCode = 1;
});
