import { execFile } from 'node:child_process';
import diagnostics from 'node:diagnostics_channel';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { promisify } from 'node:util';
import type { Logger } from '../src/lib/logger.ts';
import { LimitTracker } from '../src/services/limits/limit-tracker.ts';
import { Sampler } from '../src/services/sampler.ts';
import { openDatabase } from '../src/services/store/database.ts';
import { KeyStore } from '../src/services/store/key-store.ts';
import { TrafficStore } from '../src/services/store/traffic-store.ts';
import { WalCheckpointer } from '../src/services/store/wal-checkpointer.ts';
import { installAgentRules, removeAgentChains } from './firewall.ts';
import { seedDatabase } from './seed-data.ts';
import { median } from './stats.ts';

const run = promisify(execFile);

export interface CycleFigures {
  ports: number;
  /** Cycles timed for each median. */
  runs: number;
  /** Median cycle time when no counter changed. */
  idleMs: number;
  /** Median cycle time when every counter of every port moved. */
  movedMs: number;
  /** The same two with every key given a quota (never reached), a monthly reset and an expiry ahead, judged every cycle as the agent does. */
  limitedIdleMs: number;
  limitedMovedMs: number;
  /** Median time of the limits' per-cycle check alone (LimitTracker.afterCycle) in the moved cycles. */
  limitsCheckMs: number;
  /** Child processes spawned by one cycle (the same in every measured cycle, else an error). */
  spawnsPerCycle: number;
  /** Median of one `ipset save` on the same sets: the bare read a cycle cannot go below. */
  saveMs: number;
  /** Median of one `nft -j list table` of an nftables table with the same ports in three counted sets (the accounting before ipset). */
  nftListMs: number;
}

const log: Logger = { warn: (message) => console.error(`  sampler: ${message}`), info: () => {}, error: (message) => console.error(`  sampler: ${message}`) };
// Counters here stay 0; a baseline below the counter makes the sampler see that much new traffic.
const MOVED_BASELINE = -1000;

let spawned = 0;
diagnostics.subscribe('child_process', () => (spawned += 1));

/** Seeds `ports` keys, installs their real ipset elements, and times Sampler.cycle() idle and with traffic. */
export async function benchSamplingCycle(ports: number, runs: number, historyDays = 0): Promise<CycleFigures> {
  await removeAgentChains();
  const dir = await mkdtemp(join(tmpdir(), 'keyport-bench-cycle-'));
  const databasePath = join(dir, 'keyport.db');
  const db = openDatabase(databasePath);
  // As the agent runs: the WAL is copied into the database from a worker thread, not in the cycle's commit.
  const checkpointer = new WalCheckpointer({ db, path: databasePath, log });
  try {
    const keys = seedDatabase(db, { keys: ports });
    seedHistory(db, historyDays);
    checkpointer.start();
    const firewall = await installAgentRules(keys.map((key) => key.port));
    const checkTimes: number[] = [];
    const newSampler = (withLimits = false) => {
      const keyStore = new KeyStore(db);
      const tracker = new LimitTracker(keyStore);
      if (withLimits) tracker.evaluateAll(Date.now());
      return new Sampler({
        firewall,
        keys: keyStore,
        traffic: new TrafficStore(db),
        intervalMs: 10_000,
        log,
        afterRecord: (atMs, deltas) => {
          const startedMs = performance.now();
          const changed = tracker.afterCycle(atMs, deltas);
          if (withLimits) checkTimes.push(performance.now() - startedMs);
          if (changed.length > 0) throw new Error(`${changed.length} keys changed their verdict; none should`);
          return tracker.nextCheckAtMs;
        },
      });
    };

    // The agent's cycles are an interval apart, and its checkpoint (a few hundred ms at most) runs
    // in between; back to back here, each cycle waits for it outside its timing, as on a server.
    const settle = () => checkpointer.checkpoint();
    const idleSampler = newSampler();
    const idle = await timeCycles(runs, () => idleSampler, 0, settle);

    const counterIds = [...(await firewall.read()).counters.keys()];
    const moved = await timeCycles(runs, () => {
      setBaselines(db, counterIds, MOVED_BASELINE);
      return newSampler();
    }, ports, settle);

    giveEveryKeyLimits(db);
    const limitedSampler = newSampler(true);
    const limitedIdle = await timeCycles(runs, () => limitedSampler, 0, settle);
    checkTimes.length = 0;
    const limitedMoved = await timeCycles(runs, () => {
      setBaselines(db, counterIds, MOVED_BASELINE);
      return newSampler(true);
    }, ports, settle);

    const spawns = new Set([...idle.spawns, ...moved.spawns]);
    if (spawns.size !== 1) throw new Error(`cycles spawned differing process counts: ${[...spawns].join(', ')}`);
    const saveMs = await timeRuns(runs, 'ipset', ['save']);
    return {
      ports,
      runs,
      idleMs: median(idle.times),
      movedMs: median(moved.times),
      limitedIdleMs: median(limitedIdle.times),
      limitedMovedMs: median(limitedMoved.times),
      // The first is the untimed warm-up cycle's.
      limitsCheckMs: median(checkTimes.slice(1)),
      spawnsPerCycle: [...spawns][0]!, saveMs, nftListMs: await timeNftList(keys.map((key) => key.port), runs) };
  } finally {
    await checkpointer.stop();
    db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Every key a quota it never reaches, a monthly reset from now and an expiry a year ahead. */
function giveEveryKeyLimits(db: DatabaseSync): void {
  const nowMs = Date.now();
  db.prepare(`
    UPDATE keys SET data_limit_bytes = ?, data_limit_reset = 'month', expires_at_ms = ?, period_started_at_ms = ?`).run(
    Number.MAX_SAFE_INTEGER,
    nowMs + 365 * 86_400_000,
    nowMs,
  );
}

/**
 * A daily row for every key on each of the `days` days before today, written in key order by one
 * statement (a year at 10,000 keys: 3.65 million rows), as a server that has run that long holds.
 */
function seedHistory(db: DatabaseSync, days: number): void {
  if (days === 0) return;
  db.prepare(`
    WITH RECURSIVE back(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM back WHERE n < ?)
    INSERT INTO daily_traffic (key_id, day, rx_bytes, tx_bytes, max_connections, sessions)
    SELECT k.id, date('now', '-' || n || ' days'), 1000 * n, 2000 * n, n % 7, n % 5
    FROM keys k CROSS JOIN back ORDER BY k.id, 2`).run(days);
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
}

/** Times `runs` cycles, each on the sampler `prepare` returns (prepared outside the timing). */
/**
 * Times `runs` cycles after one that is not timed: a running agent's cycle follows many others, so
 * its code is compiled and its pages cached; the first cycle after a start (and the day's first,
 * which makes each key's row of the day) is not the one the figure is about.
 */
async function timeCycles(runs: number, prepare: () => Sampler, keysWithTraffic: number, settle: () => Promise<unknown>) {
  const times: number[] = [];
  const spawns: number[] = [];
  for (let index = -1; index < runs; index += 1) {
    const sampler = prepare();
    await settle();
    const spawnedBefore = spawned;
    const startedMs = performance.now();
    const report = await sampler.cycle();
    if (index >= 0) {
      times.push(performance.now() - startedMs);
      spawns.push(spawned - spawnedBefore);
    }
    if (!report.ok) throw new Error(`sampling cycle failed: ${report.error}`);
    if (report.keysWithTraffic !== keysWithTraffic) {
      throw new Error(`expected ${keysWithTraffic} keys with traffic, the cycle saw ${report.keysWithTraffic}`);
    }
  }
  return { times, spawns };
}

function setBaselines(db: DatabaseSync, counterIds: readonly string[], value: number): void {
  new TrafficStore(db).recordCycle({ atMs: Date.now(), day: '', deltas: [], baselines: new Map(counterIds.map((counterId) => [counterId, value])) });
}

/** Median time of `runs` runs of one command. */
async function timeRuns(runs: number, file: string, args: string[]): Promise<number> {
  const times: number[] = [];
  for (let index = 0; index < runs; index += 1) {
    const startedMs = performance.now();
    await run(file, args, { maxBuffer: 64 * 1024 * 1024 });
    times.push(performance.now() - startedMs);
  }
  return median(times);
}

/**
 * The same ports as the nftables table of the agent before ipset held them (three sets with a
 * counter per element, in a table of its own, no chains: reading does not depend on them), and
 * the median of `nft -j list table` over it; the table is removed after.
 */
async function timeNftList(ports: readonly number[], runs: number): Promise<number> {
  const table = 'inet keyport_bench';
  const lines = [`add table ${table}`];
  for (const name of ['rx', 'tx', 'syn']) {
    lines.push(`add set ${table} ${name} { type inet_service; counter; }`);
    for (let start = 0; start < ports.length; start += 1000) lines.push(`add element ${table} ${name} { ${ports.slice(start, start + 1000).join(', ')} }`);
  }
  const child = run('nft', ['-f', '-']);
  child.child.stdin!.end(`${lines.join('\n')}\n`);
  await child;
  try {
    return await timeRuns(runs, 'nft', ['-j', 'list', 'table', ...table.split(' ')]);
  } finally {
    await run('nft', ['delete', 'table', ...table.split(' ')]);
  }
}
