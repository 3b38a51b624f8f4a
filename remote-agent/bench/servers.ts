import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../test-support/tcp-traffic.ts';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const SRC = join(import.meta.dirname, '../src');
const STOP_TIMEOUT_MS = 10_000;
const MAX_OUTPUT_CHARS = 20_000;

export interface ServerProcess {
  port: number;
  pid: number;
  /** Stops this child (by its pid): SIGTERM, then SIGKILL if it has not exited in time. */
  stop(): Promise<void>;
  /** The tail of what it wrote to stdout and stderr. */
  output(): string;
}

export interface AgentOptions {
  dataDir: string;
  apiKey: string;
  /** A path that answers 200 once the agent is up. */
  readyPath: string;
  startTimeoutMs: number;
  /** Seconds between sampling cycles; 3600 (out of the way) unless a figure is about sampling. */
  sampleIntervalSeconds?: number;
  extraFlags?: string[];
}

/** The real agent (src/main.ts) on the same runtime as this script, on a pre-seeded data dir. */
export async function startAgent(options: AgentOptions): Promise<ServerProcess> {
  const [port, xrayApiPort] = [await freePort(), await freePort()];
  const args = [
    join(SRC, 'main.ts'),
    '--listen', `127.0.0.1:${port}`,
    '--data-dir', options.dataDir,
    '--xray-bin', '/nonexistent',
    '--port-range', '10001-30000',
    '--sample-interval', String(options.sampleIntervalSeconds ?? 3600),
    '--xray-api', `127.0.0.1:${xrayApiPort}`,
    ...(options.extraFlags ?? []),
  ];
  const env = { ...process.env, KEYPORT_API_KEY: options.apiKey, KEYPORT_LOG_LEVEL: 'warn' };
  const headers = { 'x-api-key': options.apiKey };
  return startServer(args, env, port, options.readyPath, headers, options.startTimeoutMs);
}

/** The baseline: bare node:http in its own process on the same runtime, serving `bodyFile`. */
export async function startBareServer(bodyFile: string): Promise<ServerProcess> {
  const port = await freePort();
  const args = [join(import.meta.dirname, 'bare-server.ts'), bodyFile, String(port)];
  return startServer(args, process.env, port, '/', {}, 10_000);
}

async function startServer(
  args: string[],
  env: NodeJS.ProcessEnv,
  port: number,
  readyPath: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<ServerProcess> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-MAX_OUTPUT_CHARS));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const server = { port, pid: child.pid!, stop: () => stopChild(child), output: () => output };
  try {
    await waitUntilAnswers(child, `http://127.0.0.1:${port}${readyPath}`, headers, timeoutMs, () => output);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

async function waitUntilAnswers(
  child: ChildProcess,
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
  output: () => string,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before answering: ${output()}`);
    }
    const status = await fetch(url, { headers }).then(
      async (response) => (await response.arrayBuffer(), response.status),
      () => 0,
    );
    if (status === 200) return;
    if (status !== 0) throw new Error(`GET ${url} answered ${status}: ${output()}`);
    await sleep(100);
  }
  throw new Error(`no answer from ${url} within ${timeoutMs} ms: ${output()}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
