import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';

let serversMade = 0;

/**
 * A test server without a VPS: a network namespace of its own (loopback, iptables, ports) with a
 * real OpenSSH sshd inside, reached from the host only through 127.0.0.1 (socat runs `sshd -i` in
 * the namespace for each connection). Needs root.
 */
export class TestServer {
  readonly namespace: string;
  readonly sshPort: number;
  readonly dir: string;
  /** The private key root logs in with. */
  readonly clientKeyPath: string;
  /** The host key's fingerprint as OpenSSH shows it: SHA256:base64, no padding. */
  readonly hostKeyFingerprint: string;
  #socat: ChildProcess | undefined;

  private constructor(namespace: string, sshPort: number, dir: string, hostKeyFingerprint: string) {
    this.namespace = namespace;
    this.sshPort = sshPort;
    this.dir = dir;
    this.clientKeyPath = join(dir, 'client_ed25519');
    this.hostKeyFingerprint = hostKeyFingerprint;
  }

  static async create(sshPort: number): Promise<TestServer> {
    serversMade += 1;
    const namespace = `keyport-e2e-${process.pid}-${serversMade}`;
    const dir = mkdtempSync(join(tmpdir(), `${namespace}-`));
    execFileSync('ip', ['netns', 'add', namespace]);
    execFileSync('ip', ['netns', 'exec', namespace, 'ip', 'link', 'set', 'lo', 'up']);
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_ed25519')]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'client_ed25519')]);
    execFileSync('cp', [join(dir, 'client_ed25519.pub'), join(dir, 'authorized_keys')]);
    writeFileSync(join(dir, 'sshd_config'), sshdConfig(dir), { mode: 0o600 });
    const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'host_ed25519.pub')], {
      encoding: 'utf8',
    }).split(' ')[1]!;
    const server = new TestServer(namespace, sshPort, dir, fingerprint);
    server.startSshd();
    await waitForPort(sshPort);
    return server;
  }

  /** (Re)opens the SSH entrance on 127.0.0.1:sshPort. */
  startSshd(): void {
    if (this.#socat) return;
    const sshd = `ip netns exec ${this.namespace} /usr/sbin/sshd -i -f ${join(this.dir, 'sshd_config')}`;
    this.#socat = spawn('socat', [`TCP-LISTEN:${this.sshPort},bind=127.0.0.1,reuseaddr,fork`, `EXEC:${sshd}`], {
      stdio: 'ignore',
    });
  }

  /** Closes the SSH entrance, as if the server went offline. Open sessions end too. */
  async stopSshd(): Promise<void> {
    const socat = this.#socat;
    this.#socat = undefined;
    if (!socat || socat.exitCode !== null) return;
    const exited = new Promise((resolve) => socat.once('exit', resolve));
    socat.kill('SIGTERM');
    await exited;
  }

  /** Runs a command inside the namespace (as the test's own tooling, not over SSH). */
  exec(command: string, args: string[]): string {
    return execFileSync('ip', ['netns', 'exec', this.namespace, command, ...args], { encoding: 'utf8' });
  }

  /** Ends everything this server started and deletes its namespace and files. */
  async destroy(): Promise<void> {
    await this.stopSshd();
    const pids = execFileSync('ip', ['netns', 'pids', this.namespace], { encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    execFileSync('ip', ['netns', 'del', this.namespace]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function sshdConfig(dir: string): string {
  return [
    `HostKey ${join(dir, 'host_ed25519')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'PidFile none',
    'LogLevel ERROR',
    'AllowTcpForwarding yes',
    'Subsystem sftp internal-sftp',
    '',
  ].join('\n');
}

function waitForPort(port: number, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on 127.0.0.1:${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}
