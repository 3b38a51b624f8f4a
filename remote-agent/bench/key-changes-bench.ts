/**
 * Key changes at 10,000 keys, standalone: `scripts/run-in-netns scripts/node24 remote-agent/bench/key-changes-bench.ts`.
 * The real agent with the stand-in Xray (its API commands are real processes) and real iptables in
 * the namespace. Creating keys 9,501–10,000 one by one (16 at a time) against keys 1–500 on an
 * empty agent, and one POST /api/keys/bulk of 1,000 names on the agent then holding 10,000 keys.
 * Every phase has a deadline; the whole run takes a few minutes. With BENCH_AGENT_CPU_PROF=DIR
 * every agent it starts writes a CPU profile into DIR.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentProcess } from '../test/support/agent-process.ts';
import { removeAgentChains } from './firewall.ts';
import { markdownTable, type Row } from './report.ts';
import { seedDataDir } from './seed-data.ts';

const MEASURED = 500;
const AT_ONCE = 16;
const HELD = 10_000;
const BULK = 1_000;
const PORT_RANGE = '10001-30000';
/** A phase stops creating at its deadline; its rate is then of the keys it made by then. */
const PHASE_DEADLINE_MS = 120_000;
const START_TIMEOUT_MS = 180_000;

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'keyport-key-bench-'));
  try {
    progress(`keys 1-${MEASURED} on an empty agent, ${AT_ONCE} at a time`);
    const firstRate = await withAgent(join(work, 'empty'), undefined, (agent) => createOneByOne(agent, 0));

    progress(`seeding ${HELD - MEASURED} keys; then keys ${HELD - MEASURED + 1}-${HELD}, ${AT_ONCE} at a time`);
    const seededDir = join(work, 'seeded');
    mkdirSync(seededDir, { recursive: true });
    seedDataDir(seededDir, { keys: HELD - MEASURED });
    const [lastRate, bulkMs] = await withAgent(seededDir, HELD - MEASURED, async (agent) => {
      const rate = await createOneByOne(agent, HELD - MEASURED);
      const held = HELD - MEASURED + rate.created;
      progress(`POST /api/keys/bulk of ${BULK} names with ${held} keys held`);
      return [rate, await bulkCreate(agent, held)] as const;
    });

    // The same without the firewall (iptables kept off the agent's PATH): the key change's own cost, Xray and store.
    progress('without the firewall: keys 1-500, then keys 9,501-10,000');
    const firstBare = await withAgent(join(work, 'empty-bare'), undefined, (agent) => createOneByOne(agent, 0), false);
    const seededBare = join(work, 'seeded-bare');
    mkdirSync(seededBare, { recursive: true });
    seedDataDir(seededBare, { keys: HELD - MEASURED });
    const lastBare = await withAgent(seededBare, HELD - MEASURED, (agent) => createOneByOne(agent, HELD - MEASURED), false);

    const ratio = lastRate.keysPerSecond / firstRate.keysPerSecond;
    const bareRatio = lastBare.keysPerSecond / firstBare.keysPerSecond;
    console.log(`\nKey changes: Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim()}, stand-in Xray, ${new Date().toISOString().slice(0, 10)}\n`);
    const rows: Row[] = [
      {
        what: `Creating keys ${HELD - MEASURED + 1}–${HELD} one by one (${AT_ONCE} at a time)`,
        agent: rateText(lastRate),
        baseline: `${rateText(firstRate)}, keys 1–${MEASURED}`,
        checked: `ratio ${ratio.toFixed(2)}`,
        target: '>= 0.8',
        pass: ratio >= 0.8,
      },
      {
        what: `The same without the firewall: Xray's API, the file, the store`,
        agent: rateText(lastBare),
        baseline: `${rateText(firstBare)}, keys 1–${MEASURED}`,
        checked: `ratio ${bareRatio.toFixed(2)}`,
        target: '(info)',
        pass: undefined,
      },
      {
        what: `POST /api/keys/bulk, ${BULK.toLocaleString('en')} names, about ${HELD.toLocaleString('en')} keys held`,
        agent: `${(bulkMs / 1000).toFixed(2)} s`,
        baseline: '-',
        checked: `${(bulkMs / 1000).toFixed(2)} s`,
        target: 'under 3 s',
        pass: bulkMs < 3_000,
      },
    ];
    console.log(markdownTable(rows));
  } finally {
    removeAgentChains();
    rmSync(work, { recursive: true, force: true });
  }
}

interface CreateRate {
  keysPerSecond: number;
  created: number;
}

/** Creates up to MEASURED keys, AT_ONCE requests in flight at any time, until the phase's deadline. */
async function createOneByOne(agent: AgentProcess, held: number): Promise<CreateRate> {
  const deadline = Date.now() + PHASE_DEADLINE_MS;
  let next = 0;
  let created = 0;
  const startedMs = performance.now();
  const worker = async () => {
    while (next < MEASURED && Date.now() < deadline) {
      const index = next++;
      const answer = await agent.post('/api/keys', { name: `bench ${held + index + 1}` });
      if (answer.status !== 200) throw new Error(`create ${held + index + 1} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      created += 1;
    }
  };
  await Promise.all(Array.from({ length: AT_ONCE }, worker));
  const seconds = (performance.now() - startedMs) / 1000;
  if (created < MEASURED) progress(`deadline: ${created} of ${MEASURED} keys in ${seconds.toFixed(0)} s`);
  await assertInSync(agent, held + created);
  return { keysPerSecond: created / seconds, created };
}

const rateText = (rate: CreateRate) => `${rate.keysPerSecond.toFixed(1)} keys/s${rate.created < MEASURED ? ` (${rate.created} of ${MEASURED} by the deadline)` : ''}`;

async function bulkCreate(agent: AgentProcess, held: number): Promise<number> {
  const names = Array.from({ length: BULK }, (_, index) => `bulk ${index + 1}`);
  const startedMs = performance.now();
  const created = await agent.post('/api/keys/bulk', { names });
  const elapsedMs = performance.now() - startedMs;
  if (created.status !== 201) throw new Error(`bulk answered ${created.status}: ${JSON.stringify(created.body).slice(0, 500)}`);
  await assertInSync(agent, held + BULK);
  return elapsedMs;
}

/** A figure only counts if every key ended up stored, counted (when the firewall is on) and served. */
async function assertInSync(agent: AgentProcess, keys: number): Promise<void> {
  const status = (await agent.get('/api/system/config-status')).body.data;
  const inSync = status.firewall.available ? status.in_sync : status.xray.in_sync;
  if (status.xray.expected_inbounds !== keys || !inSync) {
    throw new Error(`not in sync after the creates (${status.xray.expected_inbounds} of ${keys} keys): ${JSON.stringify(status).slice(0, 1000)}`);
  }
}

async function withAgent<T>(dataDir: string, seeded: number | undefined, run: (agent: AgentProcess) => Promise<T>, firewall = true): Promise<T> {
  removeAgentChains();
  const agent = await AgentProcess.start({
    ...(firewall ? {} : { env: { PATH: pathWithout('iptables') } }),
    dataDir,
    portRange: PORT_RANGE,
    // Sampling and reconciling stay out of the way; the figures are the key changes alone.
    sampleIntervalSeconds: 3600,
    startTimeoutMs: seeded === undefined ? 30_000 : START_TIMEOUT_MS,
    // BENCH_AGENT_CPU_PROF=DIR: each agent writes a V8 CPU profile there when it stops.
    nodeFlags: process.env.BENCH_AGENT_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_AGENT_CPU_PROF}`] : [],
  });
  try {
    return await run(agent);
  } finally {
    await agent.dispose();
  }
}

/** PATH less the directories that hold `command`: the agent then runs without it (its firewall is unavailable). */
function pathWithout(command: string): string {
  return (process.env.PATH ?? '')
    .split(':')
    .filter((dir) => dir !== '' && !existsSync(join(dir, command)))
    .join(':');
}

function progress(message: string): void {
  console.error(`[key-changes-bench] ${message}`);
}

await main();
