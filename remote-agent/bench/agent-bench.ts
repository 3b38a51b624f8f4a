/**
 * `npm run bench:agent`: measures the agent against baselines taken in the same run on this machine,
 * and prints a markdown table. Runs inside a fresh network namespace (scripts/run-in-netns), since
 * the agent and the sampling benchmark install real nftables sets.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { measureLatency, measureThroughput, type Target, type ThroughputOptions } from './load.ts';
import { count, markdownTable, megabytes, ms, type Row } from './report.ts';
import { installAgentRules, removeAgentChains } from './firewall.ts';
import { benchIdleCpu, IDLE_SAMPLE_INTERVAL_S } from './idle-cpu-bench.ts';
import { limitsRow } from './limits-row.ts';
import { benchSamplingCycle } from './sampler-bench.ts';
import { benchTcpStream } from './tcp-stream-bench.ts';
import { daysOfMonth, seedDataDir, type SeededKey } from './seed-data.ts';
import { startAgent, startBareServer, type ServerProcess } from './servers.ts';
import { percentile } from './stats.ts';

const API_KEY = `bench-${randomUUID()}`;
const HEADERS = { 'x-api-key': API_KEY };
const AGENT_START_TIMEOUT_MS = 90_000;
const LOAD: Omit<ThroughputOptions, 'path'> = { connections: 32, warmupMs: 2_000, durationMs: 6_000, maxRequests: 2_000_000 };
const LOAD_ROUNDS = 6;
const LATENCY = { warmups: 3, samples: 30, budgetMs: 30_000 };
const MONTH = '2025-08';
const CYCLE_RUNS = 5;
const startedMs = performance.now();

async function main(): Promise<void> {
  await assertOwnNetworkNamespace();
  const work = await mkdtemp(join(tmpdir(), 'keyport-bench-'));
  try {
    const keysApi = await benchKeysApi(work);
    const idleCpu = await benchIdle(work, keysApi.readyPath);
    const rows = [...keysApi.figures, await benchMonthly(work), ...(await benchSampling()), keysApi.ruleWalk, idleCpu, await benchTcpStream(progress)];
    progress('done');
    console.log(`\nKeyport agent benchmark: Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim()}, ${new Date().toISOString().slice(0, 10)}\n`);
    console.log(markdownTable(rows));
  } finally {
    await removeAgentChains();
    await rm(work, { recursive: true, force: true });
  }
}

/** Figures 1 and 2: one key by id under load, and the whole list, with 10,000 keys stored. */
async function benchKeysApi(work: string): Promise<{ figures: Row[]; ruleWalk: Row; readyPath: string }> {
  const keys = await seededDir(work, 'agent-10k', 10_000);
  const oneKeyPath = `/api/keys/${keys[0]!.id}`;
  return withServer(startAgentOnCleanFirewall(join(work, 'agent-10k'), oneKeyPath), async (agent) => {
    const oneKey = await fetchText(agent, oneKeyPath);
    const allKeys = await fetchText(agent, '/api/keys');
    const randomKeyPath = () => `/api/keys/${keys[Math.floor(Math.random() * keys.length)]!.id}`;

    progress(`GET /api/keys/{key_id}: ${LOAD.connections} connections, ${LOAD.durationMs / 1000} s each in ${LOAD_ROUNDS} alternating turns`);
    const agentTarget = { port: agent.port, headers: HEADERS };
    const [agentRate, bareRate, bareRateWithRules] = await withBareServer(work, 'one-key.json', oneKey, async (port) => {
      const bareTarget = { port, headers: HEADERS };
      const [agentRate, bareRate] = await alternatingThroughput(agentTarget, bareTarget, randomKeyPath);
      return [agentRate, bareRate, await throughputWithRules(bareTarget, keys, randomKeyPath)] as const;
    });

    progress(`GET /api/keys: ${LATENCY.samples} sequential requests (${megabytes(allKeys.length)})`);
    const agentList = await measureLatency({ port: agent.port, headers: HEADERS }, { path: '/api/keys', ...LATENCY });
    const bareList = await withBareServer(work, 'all-keys.json', allKeys, (port) => measureLatency({ port }, { path: '/api/keys', ...LATENCY }));

    return {
      figures: [
        throughputRow(agentRate, bareRate),
        latencyRow(`GET /api/keys, 10,000 keys (${megabytes(allKeys.length)})`, agentList, bareList, 50),
      ],
      ruleWalk: ruleWalkRow(bareRateWithRules, bareRate),
      readyPath: oneKeyPath,
    };
  });
}

/** The agent idle on the 10,000 keys of benchKeysApi, sampling as a server does, beside an idle bare node:http. */
async function benchIdle(work: string, readyPath: string): Promise<Row> {
  await removeAgentChains();
  const starting = startAgent({ dataDir: join(work, 'agent-10k'), apiKey: API_KEY, readyPath, startTimeoutMs: AGENT_START_TIMEOUT_MS, sampleIntervalSeconds: IDLE_SAMPLE_INTERVAL_S });
  return withServer(starting, async (agent) => {
    const bodyFile = join(work, 'idle.json');
    await writeFile(bodyFile, '{}');
    return withServer(startBareServer(bodyFile), (bare) => benchIdleCpu(agent, bare, progress));
  });
}

/**
 * Agent and baseline in turns of a fraction of the measuring time each, so that load from anything
 * else on the machine falls on both alike; returns each one's mean rate.
 */
async function alternatingThroughput(agent: Target, bare: Target, path: () => string): Promise<[number, number]> {
  const rates = [0, 0];
  for (let round = 0; round < LOAD_ROUNDS; round += 1) {
    const options = {
      ...LOAD,
      path,
      warmupMs: round === 0 ? LOAD.warmupMs : LOAD.warmupMs / 4,
      durationMs: LOAD.durationMs / LOAD_ROUNDS,
      maxRequests: LOAD.maxRequests / LOAD_ROUNDS,
    };
    for (const [index, target] of [agent, bare].entries()) rates[index]! += (await throughput(target, options)) / LOAD_ROUNDS;
  }
  return [rates[0]!, rates[1]!];
}

/** The baseline again, with the agent's rules for `keys` installed (the info row). */
async function throughputWithRules(bare: Target, keys: SeededKey[], path: () => string): Promise<number> {
  progress(`  bare node:http with the rules of ${count(keys.length)} keys installed`);
  await installAgentRules(keys.map((key) => key.port));
  try {
    return await throughput(bare, { ...LOAD, path });
  } finally {
    await removeAgentChains();
  }
}

/** Figure 3: a month of every key, 2,000 keys with a daily row on every day of the month. */
async function benchMonthly(work: string): Promise<Row> {
  const keys = await seededDir(work, 'agent-monthly', 2_000, daysOfMonth(MONTH));
  const path = `/api/traffic/monthly?year_month=${MONTH}`;
  return withServer(startAgentOnCleanFirewall(join(work, 'agent-monthly'), `/api/keys/${keys[0]!.id}`), async (agent) => {
    const body = await fetchText(agent, path);
    progress(`GET ${path}: ${LATENCY.samples} sequential requests (${megabytes(body.length)})`);
    const agentTimes = await measureLatency({ port: agent.port, headers: HEADERS }, { path, ...LATENCY });
    const bareTimes = await withBareServer(work, 'monthly.json', body, (port) => measureLatency({ port }, { path, ...LATENCY }));
    return latencyRow(`GET /api/traffic/monthly, 2,000 keys × 31 days (${megabytes(body.length)})`, agentTimes, bareTimes, 100);
  });
}

/** Figure 4: one sampling cycle in-process on real ipset sets, and the processes it spawns. */
async function benchSampling(): Promise<Row[]> {
  progress('sampling cycle: 500 ports');
  const small = await benchSamplingCycle(500, CYCLE_RUNS);
  progress(`  500 ports: idle ${ms(small.idleMs)}, moved ${ms(small.movedMs)}, ipset save ${ms(small.saveMs)}`);
  progress('sampling cycle: 10,000 ports');
  const large = await benchSamplingCycle(10_000, CYCLE_RUNS);
  const baseline = `${ms(large.saveMs)} (ipset save alone)`;
  const cycleRow = (what: string, value: number): Row => ({
    what: `Sampling cycle, 10,000 ports, ${what} (median of ${CYCLE_RUNS})`,
    agent: ms(value),
    baseline,
    checked: ms(value),
    target: '< 150 ms',
    pass: value < 150,
  });
  const spawns = `${small.spawnsPerCycle} / ${large.spawnsPerCycle}`;
  return [
    cycleRow('no counter changed', large.idleMs),
    cycleRow('every port moved bytes', large.movedMs),
    limitsRow(large),
    {
      what: 'Processes spawned per cycle, 500 / 10,000 ports',
      agent: spawns,
      baseline: '1 (one ipset save for both families)',
      checked: spawns,
      target: 'constant, 1',
      pass: small.spawnsPerCycle === 1 && large.spawnsPerCycle === 1,
    },
    {
      what: 'The read before ipset: nft -j list table, 3 sets × 10,000 counted elements (median of 5)',
      agent: `${ms(large.saveMs)} (ipset save, the same ports)`,
      baseline: `${ms(large.nftListMs)} (nft -j list table)`,
      checked: `ratio ${(large.nftListMs / large.saveMs).toFixed(1)}`,
      target: 'none (info)',
      pass: undefined,
    },
  ];
}

function throughputRow(agentRate: number, bareRate: number): Row {
  const ratio = agentRate / bareRate;
  return {
    what: `GET /api/keys/{key_id}, 10,000 keys, ${LOAD.connections} keep-alive connections, ${LOAD.durationMs / 1000} s in ${LOAD_ROUNDS} turns`,
    agent: `${count(agentRate)} req/s`,
    baseline: `${count(bareRate)} req/s (bare node:http)`,
    checked: `ratio ${ratio.toFixed(2)}`,
    target: 'ratio >= 0.6',
    pass: ratio >= 0.6,
  };
}

/** Not a target: what the agent's counting sets cost every loopback packet outside the key range (the HTTP rows run without them). */
function ruleWalkRow(withRules: number, withoutRules: number): Row {
  return {
    what: 'Same load on bare node:http with the agent\'s counting sets for 10,000 ports',
    agent: `${count(withRules)} req/s with the sets`,
    baseline: `${count(withoutRules)} req/s without`,
    checked: `ratio ${(withRules / withoutRules).toFixed(2)}`,
    target: 'none (info)',
    pass: undefined,
  };
}

function latencyRow(what: string, agentTimes: number[], bareTimes: number[], targetMs: number): Row {
  const p50 = percentile(agentTimes, 50);
  const both = (times: number[]) => `p50 ${ms(percentile(times, 50))}, p90 ${ms(percentile(times, 90))}`;
  return {
    what: `${what}, ${agentTimes.length} sequential requests`,
    agent: both(agentTimes),
    baseline: `${both(bareTimes)} (bare node:http)`,
    checked: `p50 ${ms(p50)}`,
    target: `p50 < ${targetMs} ms`,
    pass: p50 < targetMs,
  };
}

async function throughput(target: Target, options: ThroughputOptions): Promise<number> {
  const result = await measureThroughput(target, options);
  if (result.failures > 0) throw new Error(`${result.failures} of ${result.requests} requests did not answer 200`);
  return result.perSecond;
}

async function seededDir(work: string, name: string, keys: number, days: string[] = []): Promise<SeededKey[]> {
  const dataDir = join(work, name);
  await mkdir(dataDir, { mode: 0o700 });
  progress(`seeding ${count(keys)} keys${days.length ? ` × ${days.length} days` : ''} into ${name}`);
  return seedDataDir(dataDir, { keys, days });
}

/**
 * Starts an agent on a firewall without another agent's chains, and leaves the rules it installs
 * in place while it is measured, as on a server: the API port lies outside the key port range, so
 * its packets never walk them.
 */
async function startAgentOnCleanFirewall(dataDir: string, readyPath: string): Promise<ServerProcess> {
  await removeAgentChains();
  return startAgent({ dataDir, apiKey: API_KEY, readyPath, startTimeoutMs: AGENT_START_TIMEOUT_MS });
}

async function withServer<T>(starting: Promise<ServerProcess>, use: (server: ServerProcess) => Promise<T>): Promise<T> {
  const server = await starting;
  try {
    return await use(server);
  } finally {
    await server.stop();
    const output = server.output().trim();
    if (output) progress(`server output:\n${output.slice(-2_000)}`);
  }
}

async function withBareServer<T>(work: string, file: string, body: string, use: (port: number) => Promise<T>): Promise<T> {
  const bodyFile = join(work, file);
  await writeFile(bodyFile, body);
  return withServer(startBareServer(bodyFile), (server) => use(server.port));
}

async function fetchText(server: ServerProcess, path: string): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${server.port}${path}`, { headers: HEADERS });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${text.slice(0, 200)}`);
  return text;
}

/**
 * Refuses to run outside a namespace made by scripts/run-in-netns: this installs and removes
 * nftables sets and iptables chains, which must never touch the host's firewall.
 */
async function assertOwnNetworkNamespace(): Promise<void> {
  const { stdout } = await promisify(execFile)('ip', ['netns', 'identify', String(process.pid)]).catch(() => ({ stdout: '' }));
  if (!stdout.trim().startsWith('keyport-test-')) {
    throw new Error('run this through scripts/run-in-netns (npm run bench:agent): it changes the firewall');
  }
}

function progress(message: string): void {
  console.error(`[${((performance.now() - startedMs) / 1000).toFixed(1).padStart(5)} s] ${message}`);
}

main().catch((error: unknown) => {
  console.error(`bench:agent failed: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
});
