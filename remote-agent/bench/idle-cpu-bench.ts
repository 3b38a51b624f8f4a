/**
 * The agent's own CPU use while idle: 10,000 keys counted in the firewall, a sampling cycle every
 * 10 s, no requests. Read from /proc/PID/stat (utime + stime, and the children it reaped: the
 * firewall reads) over one window, beside an idle bare node:http process over the same window.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Row } from './report.ts';
import type { ServerProcess } from './servers.ts';

export const IDLE_SAMPLE_INTERVAL_S = 10;
/** Start-up (the firewall sync, the first cycles' baselines) is over by then. */
const SETTLE_MS = 2.5 * IDLE_SAMPLE_INTERVAL_S * 1000;
const WINDOW_MS = 60_000;

interface CpuTicks {
  own: number;
  children: number;
}

export async function benchIdleCpu(agent: ServerProcess, bare: ServerProcess, progress: (message: string) => void): Promise<Row> {
  progress(`idle CPU: settling ${SETTLE_MS / 1000} s, then ${WINDOW_MS / 1000} s measured`);
  await sleep(SETTLE_MS);
  const before = [cpuTicks(agent.pid), cpuTicks(bare.pid)] as const;
  const startedMs = performance.now();
  await sleep(WINDOW_MS);
  const after = [cpuTicks(agent.pid), cpuTicks(bare.pid)] as const;
  const seconds = (performance.now() - startedMs) / 1000;
  const hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const percent = (ticks: number) => (100 * ticks) / hz / seconds;
  const agentOwn = percent(after[0].own - before[0].own);
  const agentChildren = percent(after[0].children - before[0].children);
  const bareOwn = percent(after[1].own - before[1].own);
  const figure = (value: number) => `${value.toFixed(2)} %`;
  return {
    what: `Agent idle, 10,000 keys, sampling every ${IDLE_SAMPLE_INTERVAL_S} s: CPU over ${Math.round(seconds)} s (% of one core)`,
    agent: `${figure(agentOwn)} (+ ${figure(agentChildren)} in its ipset save)`,
    baseline: `${figure(bareOwn)} (idle bare node:http)`,
    checked: figure(agentOwn + agentChildren),
    target: 'report it',
    pass: undefined,
  };
}

/** utime + stime, and cutime + cstime, of a process, in clock ticks (proc(5)). */
function cpuTicks(pid: number): CpuTicks {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const field = (number: number) => Number(fields[number - 3]);
  return { own: field(14) + field(15), children: field(16) + field(17) };
}
