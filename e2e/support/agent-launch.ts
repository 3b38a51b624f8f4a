import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FAKE_XRAY } from '../../test-support/stand-in-xray.ts';
import { waitFor } from '../../test-support/wait.ts';
import type { AgentResponse } from './agent-bridge.ts';

export const AGENT_ENTRY = join(resolve(import.meta.dirname, '../..'), 'remote-agent/src/main.ts');

export interface AgentFlagOptions {
  dataDir: string;
  sampleIntervalSeconds: number;
  listen?: string;
  publicHost?: string;
  xrayApi?: string;
  extraFlags?: readonly string[];
}

/** The flags of a test agent with the stand-in Xray: one port range, one Reality target for all. */
export function agentFlags(options: AgentFlagOptions): string[] {
  return [
    '--listen', options.listen ?? '127.0.0.1:8000',
    '--data-dir', options.dataDir,
    '--public-host', options.publicHost ?? 'vpn.example.com',
    '--port-range', '10001-10099',
    '--sample-interval', String(options.sampleIntervalSeconds),
    '--xray-bin', FAKE_XRAY,
    '--xray-api', options.xrayApi ?? '127.0.0.1:10085',
    '--reality-target', 'www.example.com:443',
    '--reality-server-names', 'www.example.com',
    ...(options.extraFlags ?? []),
  ];
}

export interface StartingAgent {
  readonly exited: boolean;
  readonly output: string;
  request(method: 'GET', path: string): Promise<AgentResponse>;
}

/** Waits until the agent's API answers; fails with its output if it exits first or time runs out. */
export async function waitForAgentApi(agent: StartingAgent, timeoutMs = 20_000): Promise<void> {
  await waitFor(
    'the agent API',
    async () => {
      if (agent.exited) throw new Error(`the agent exited: ${agent.output}`);
      return (await agent.request('GET', '/api/keys')).status === 200 ? true : undefined;
    },
    timeoutMs,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\nagent output: ${agent.output}`);
  });
}

/** The Xray the agent started (the stand-in), by the agent's pid file, if it is alive. */
export function agentXrayPid(pidFile: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(pidFile, 'utf8'), 10);
    return isAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Stops the Xray the agent started, by its pid only, and waits until it is gone. */
export async function stopAgentXray(pidFile: string): Promise<void> {
  const pid = agentXrayPid(pidFile);
  if (pid === undefined) return;
  process.kill(pid, 'SIGTERM');
  await waitFor('the stand-in Xray to exit', () => (isAlive(pid) ? undefined : true), 5_000).catch(async () => {
    process.kill(pid, 'SIGKILL');
    await waitFor('the stand-in Xray to die', () => (isAlive(pid) ? undefined : true), 2_000);
  });
}

/** Alive and not a zombie waiting for its parent (the agent) to reap it. */
function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
