/**
 * A subscription fetch at 10,000 keys: `scripts/run-in-netns scripts/node24 remote-agent/bench/subscription-bench.ts`.
 * The real agent on a data dir seeded with 10,000 keys, its --subscription-listen on loopback,
 * fetched GET /sub/TOKEN of random keys one after another; beside it, in the same run, bare
 * node:http answering a body of the same size. Times are on the server's own machine (loopback),
 * a request's send to its last byte. The listener limits each client IP, so the requests come
 * from many loopback addresses (127.0.1.x), a keep-alive connection each, fewer requests per
 * address than its burst.
 */
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../test-support/tcp-traffic.ts';
import { markdownTable, ms } from './report.ts';
import { seedDataDir } from './seed-data.ts';
import { startAgent, startBareServer } from './servers.ts';
import { percentile } from './stats.ts';

const KEYS = 10_000;
const SOURCES = 150;
const PER_SOURCE = 20;
const WARMUP_SOURCES = 10;
const TARGET_P50_MS = 5;
const API_KEY = 'subscription-bench-api-key-0123456789abcdef0123';

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'keyport-sub-bench-'));
  try {
    progress(`seeding ${KEYS} keys`);
    seedDataDir(work, { keys: KEYS });
    const subPort = await freePort();
    const agent = await startAgent({
      dataDir: work, apiKey: API_KEY, readyPath: '/api/keys', startTimeoutMs: 180_000,
      extraFlags: ['--public-host', 'vpn.example.com', '--subscription-listen', `127.0.0.1:${subPort}`],
    });
    let agentTimes: number[];
    let body: Buffer;
    try {
      const keys = (await (await fetch(`http://127.0.0.1:${agent.port}/api/keys`, { headers: { 'x-api-key': API_KEY } })).json()) as Array<{ subscription_url: string | null }>;
      const paths = keys.map((key) => new URL(key.subscription_url!).pathname);
      if (paths.length !== KEYS) throw new Error(`the agent holds ${paths.length} keys, not ${KEYS}`);
      body = await fetchBody(subPort, paths[0]!);
      progress(`GET /sub/TOKEN of random keys: ${SOURCES} addresses × ${PER_SOURCE}`);
      agentTimes = await measure(subPort, () => paths[Math.floor(Math.random() * paths.length)]!, 1);
    } finally {
      await agent.stop();
    }
    const bodyFile = join(work, 'body.txt');
    writeFileSync(bodyFile, body);
    const bare = await startBareServer(bodyFile);
    let bareTimes: number[];
    try {
      progress('bare node:http, the same body and the same pattern');
      bareTimes = await measure(bare.port, () => '/', 2);
    } finally {
      await bare.stop();
    }
    const [agentP50, bareP50] = [percentile(agentTimes, 50), percentile(bareTimes, 50)];
    console.log(`\nSubscription fetch: Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim()}, ${KEYS} keys, ${new Date().toISOString().slice(0, 10)}\n`);
    console.log(
      markdownTable([
        {
          what: `GET /sub/TOKEN at ${KEYS.toLocaleString('en-US')} keys (${agentTimes.length} fetches, ${body.length} B body)`,
          agent: `p50 ${ms(agentP50)}, p99 ${ms(percentile(agentTimes, 99))}`,
          baseline: `bare node:http p50 ${ms(bareP50)}, p99 ${ms(percentile(bareTimes, 99))}`,
          checked: `p50 ${ms(agentP50)}`,
          target: `< ${TARGET_P50_MS} ms`,
          pass: agentP50 < TARGET_P50_MS,
        },
      ]),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Sequential GETs, PER_SOURCE on one keep-alive connection from each source address; ms, ascending, warm-up dropped. */
async function measure(port: number, path: () => string, subnet: number): Promise<number[]> {
  const times: number[] = [];
  for (let source = 0; source < WARMUP_SOURCES + SOURCES; source += 1) {
    // Every address its own bucket of the listener's rate limit; another /24 for the baseline's run.
    const agent = new Agent({ keepAlive: true, maxSockets: 1, localAddress: `127.0.${subnet}.${source + 1}` });
    try {
      for (let index = 0; index < PER_SOURCE; index += 1) {
        const startedMs = performance.now();
        const status = await get(agent, port, path());
        const elapsed = performance.now() - startedMs;
        if (status !== 200) throw new Error(`GET answered ${status}`);
        if (source >= WARMUP_SOURCES) times.push(elapsed);
      }
    } finally {
      agent.destroy();
    }
  }
  return times.sort((a, b) => a - b);
}

function get(agent: Agent, port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, path, agent }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

async function fetchBody(port: number, path: string): Promise<Buffer> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

const progress = (text: string) => console.error(`[subscription-bench] ${text}`);

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
