/**
 * A TCP stream (iperf3) to the last of 10,000 key ports, counted by the agent's ipset sets,
 * against one to a port outside the key range, in alternating turns of the same run. Standalone:
 * `scripts/run-in-netns scripts/node24 remote-agent/bench/tcp-stream-bench.ts` (about 20 s).
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { installAgentRules, removeAgentChains } from './firewall.ts';
import { markdownTable, type Row } from './report.ts';

const run = promisify(execFile);
const KEYS = 10_000;
const FIRST_PORT = 20_001;
const OUTSIDE_PORT = 40_001;
const SECONDS = 3;
const ROUNDS = 2;

export async function benchTcpStream(progress: (message: string) => void = () => {}): Promise<Row> {
  await run('iperf3', ['--version']).catch(() => {
    throw new Error('iperf3 is missing (Debian package iperf3: scripts/setup.sh)');
  });
  await removeAgentChains();
  const ports = Array.from({ length: KEYS }, (_, index) => FIRST_PORT + index);
  const keyPort = ports.at(-1)!;
  progress(`tcp stream: the agent's ipset sets for ${KEYS.toLocaleString('en-US')} key ports`);
  const firewall = await installAgentRules(ports);
  try {
    const rates = { key: 0, outside: 0 };
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const [which, port] of [['key', keyPort], ['outside', OUTSIDE_PORT]] as const) {
        progress(`  iperf3 ${SECONDS} s to port ${port} (${which === 'key' ? 'last key port' : 'outside the key range'}), turn ${round + 1} of ${ROUNDS}`);
        rates[which] += (await iperf(port)) / ROUNDS;
      }
    }
    // The stream went through the sets: its bytes are on the port's element.
    const counted = (await firewall.read()).counters.get(`ipset:rx:${keyPort}`) ?? 0;
    if (counted < 1_000_000) throw new Error(`the key port's rx element counted only ${counted} bytes: the stream was not counted`);
    const ratio = rates.key / rates.outside;
    return {
      what: `TCP stream (iperf3, ${SECONDS} s × ${ROUNDS} turns) to the last of ${KEYS.toLocaleString('en-US')} key ports, ipset sets`,
      agent: `${gbits(rates.key)} to the key port`,
      baseline: `${gbits(rates.outside)} outside the key range`,
      checked: `ratio ${ratio.toFixed(2)}`,
      target: 'ratio >= 0.8',
      pass: ratio >= 0.8,
    };
  } finally {
    await removeAgentChains();
  }
}

/** One iperf3 stream over loopback to a one-off server on `port`; bits per second received. */
async function iperf(port: number): Promise<number> {
  const server = spawn('iperf3', ['-s', '-1', '-B', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  try {
    for (let attempt = 0; ; attempt += 1) {
      try {
        const { stdout } = await run('iperf3', ['-c', '127.0.0.1', '-p', String(port), '-t', String(SECONDS), '-J'], { timeout: (SECONDS + 10) * 1000 });
        const bits = (JSON.parse(stdout) as { end?: { sum_received?: { bits_per_second?: number } } }).end?.sum_received?.bits_per_second;
        if (typeof bits !== 'number' || bits <= 0) throw new Error(`iperf3 reported no rate: ${stdout.slice(0, 300)}`);
        return bits;
      } catch (error) {
        // The server may not listen yet: a few short retries, then the error.
        if (attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    if (server.exitCode === null) server.kill();
  }
}

const gbits = (bitsPerSecond: number) => `${(bitsPerSecond / 1e9).toFixed(2)} Gbit/s`;

if (import.meta.filename === process.argv[1]) {
  benchTcpStream((message) => console.error(message))
    .then((row) => console.log(markdownTable([row])))
    .catch((error: unknown) => {
      console.error(`tcp stream bench failed: ${(error as Error).stack ?? String(error)}`);
      process.exitCode = 1;
    });
}
