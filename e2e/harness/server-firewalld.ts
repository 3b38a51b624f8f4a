import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestServer } from './test-server.ts';

/**
 * A bus for one test server (server-bus.conf): the default socket path (the server's private /run/dbus), the usual
 * system-bus policy plus the services' own rules from /usr/share/dbus-1/system.d, and no service
 * directories, so nothing is ever started by activation (firewalld finds no polkit and allows root
 * alone, as it does on a server without polkitd).
 */
const BUS_CONFIG = readFileSync(join(import.meta.dirname, 'server-bus.conf'), 'utf8');

export interface ServerFirewalld {
  /** Where firewalld logs (in the server's dir on the host). */
  readonly logPath: string;
  /** Ends firewalld (which removes its nftables table on the way out) and then the bus. */
  stop(): Promise<void>;
}

/**
 * Debian's real firewalld 1.3 in a test server: a D-Bus system bus of the server's own, then
 * `firewalld --nofork --nopid` on it, both inside the server's namespaces (enter.sh), so firewalld
 * drives only the namespace's nftables and rewrites only the server's copy of /etc/firewalld, and a
 * `firewall-cmd` run in the server (over SSH too) reaches this firewalld alone. Resolves once
 * `firewall-cmd --state` says running.
 */
export async function startFirewalld(server: TestServer, timeoutMs = 60_000): Promise<ServerFirewalld> {
  const enter = join(server.dir, 'enter.sh');
  const busConfig = join(server.dir, 'dbus-system.conf');
  const logPath = join(server.dir, 'firewalld.log');
  writeFileSync(busConfig, BUS_CONFIG);
  const inServer = (command: string, args: string[]) =>
    spawn('ip', ['netns', 'exec', server.namespace, enter, command, ...args], { stdio: 'ignore' });
  const bus = inServer('dbus-daemon', [`--config-file=${busConfig}`, '--nofork', '--nopidfile']);
  let firewalld: ChildProcess | undefined;
  const stop = async () => {
    if (firewalld) await end(firewalld);
    await end(bus);
  };
  try {
    const socket = () => server.exec('sh', ['-c', 'test -S /run/dbus/system_bus_socket && echo up || true']).trim() === 'up';
    await waitFor(socket, [bus], timeoutMs, 'the bus socket');
    firewalld = inServer('firewalld', ['--nofork', '--nopid', '--log-target', 'file', '--log-file', logPath]);
    await waitFor(() => state(server) === 'running', [bus, firewalld], timeoutMs, 'firewall-cmd --state: running');
  } catch (error) {
    await stop();
    throw error;
  }
  return { logPath, stop };
}

/** What `firewall-cmd --state` prints in the server ("running", "not running"). */
export function state(server: TestServer): string {
  const result = spawnSync('ip', ['netns', 'exec', server.namespace, join(server.dir, 'enter.sh'), 'firewall-cmd', '--state'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return `${result.stdout}`.trim();
}

async function waitFor(ready: () => boolean, children: ChildProcess[], timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    const ended = children.find((child) => child.exitCode !== null || child.signalCode !== null);
    if (ended) throw new Error(`firewalld in the test server: ${ended.spawnargs[5]} ended (${ended.exitCode ?? ended.signalCode}) before ${what}`);
    if (Date.now() > deadline) throw new Error(`firewalld in the test server: no ${what} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** SIGTERM, then SIGKILL after 15 s. */
async function end(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}
