import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FAKE_XRAY } from '../../test-support/stand-in-xray.ts';
import { waitForPort } from '../../test-support/tcp-traffic.ts';
import { childPids, killQuietly, stopSocat } from './socat-forks.ts';

const REPO = resolve(import.meta.dirname, '../..');
const BUILD_SCRIPT = join(import.meta.dirname, 'systemd-rootfs.sh');
/**
 * Built root file systems, one per version of the build script, in the checkout's ignored `.tmp/`
 * so tests write none of the host's own directories; KEYPORT_ROOTFS_CACHE points elsewhere (for
 * example a cache shared by several checkouts).
 */
export const ROOTFS_CACHE = process.env.KEYPORT_ROOTFS_CACHE ?? join(REPO, '.tmp/systemd-rootfs');
const BOOT_TIMEOUT_MS = 60_000;
const SHUTDOWN_TIMEOUT_MS = 60_000;
let serversMade = 0;

/** Why a systemd test server cannot be made here (no debootstrap, no mirror, not root): tests skip, saying it. */
export class SystemdServerUnavailable extends Error {}

/** The cached root file system for the current build script: built now if missing. Returns its path and the build's time (0 when cached). */
export function ensureRootfs(): { dir: string; builtInMs: number } {
  const version = createHash('sha256').update(readFileSync(BUILD_SCRIPT)).digest('hex').slice(0, 12);
  const dir = join(ROOTFS_CACHE, `debian-bookworm-systemd-${version}`);
  if (existsSync(dir)) return { dir, builtInMs: 0 };
  if (process.getuid?.() !== 0) throw new SystemdServerUnavailable('building the systemd test server needs root');
  for (const tool of ['/usr/sbin/debootstrap', '/usr/bin/systemd-nspawn']) {
    if (!existsSync(tool)) throw new SystemdServerUnavailable(`${tool} is missing (Debian packages debootstrap, systemd-container: scripts/setup.sh)`);
  }
  const startedMs = Date.now();
  try {
    execFileSync(BUILD_SCRIPT, [dir], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 15 * 60_000 });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new SystemdServerUnavailable(`the systemd test server's root file system could not be built: ${stderr || (error as Error).message}`);
  }
  return { dir, builtInMs: Date.now() - startedMs };
}

/** Why a systemd test server cannot be made here, for a test's `skip` (which then says it), or undefined. */
export function systemdServerSkipReason(): string | undefined {
  try {
    const { builtInMs } = ensureRootfs();
    if (builtInMs > 0) console.log(`# built the systemd test server's root file system in ${(builtInMs / 1000).toFixed(1)} s`);
    return undefined;
  } catch (error) {
    if (error instanceof SystemdServerUnavailable) return `no systemd test server here: ${error.message}`;
    throw error;
  }
}

/**
 * A test server that runs systemd as PID 1, as a rented VPS does: the cached Debian root (under an
 * overlay of this server's own, so the cache stays clean) booted by systemd-nspawn inside a network
 * namespace of ours, its own sshd (port 22 inside) reached on 127.0.0.1:sshPort through socat.
 * Root logs in with a key made here; the host key is made here too, so its fingerprint is known.
 * The checkout is bound read-only at its own path, so `/usr/local/bin/xray` can be the stand-in.
 *
 * `reboot()` is a real reboot for everything inside: `systemctl reboot`, systemd stops every unit,
 * the container's processes end, and the next boot starts from the unit files on disk. The network
 * namespace is made anew between the two boots, as a booting kernel's network stack is new: empty
 * iptables with zeroed counters, no sockets.
 */
export class SystemdServer {
  readonly namespace: string;
  readonly sshPort: number;
  readonly dir: string;
  readonly clientKeyPath: string;
  readonly hostKeyFingerprint: string;
  /** The root as the container sees it (the overlay): host paths of files inside the server. */
  readonly root: string;
  readonly #lower: string;
  #nspawn: ChildProcess | undefined;
  #nspawnExited: Promise<number | null> = Promise.resolve(null);
  #socat: ChildProcess | undefined;
  /** How long each boot took, to `running`. */
  readonly bootTimesMs: number[] = [];

  private constructor(lower: string, sshPort: number) {
    serversMade += 1;
    this.#lower = lower;
    this.namespace = `keyport-sd-${process.pid}-${serversMade}`;
    this.sshPort = sshPort;
    this.dir = mkdtempSync(join(tmpdir(), `${this.namespace}-`));
    this.root = join(this.dir, 'root');
    this.clientKeyPath = join(this.dir, 'client_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', this.clientKeyPath]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(this.dir, 'host_ed25519')]);
    this.hostKeyFingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(this.dir, 'host_ed25519.pub')], { encoding: 'utf8' })
      .split(' ')[1]!;
  }

  /** Builds the root if needed (may throw SystemdServerUnavailable), boots the server, opens SSH. */
  static async create(sshPort: number): Promise<SystemdServer> {
    const { dir } = ensureRootfs();
    const server = new SystemdServer(dir, sshPort);
    try {
      server.#mountRoot();
      server.#makeNamespace();
      await server.boot();
      server.#openSsh();
      await waitForPort(sshPort);
    } catch (error) {
      await server.destroy();
      throw error;
    }
    return server;
  }

  #mountRoot(): void {
    for (const name of ['upper', 'work', 'root']) mkdirSync(join(this.dir, name));
    execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${this.#lower},upperdir=${join(this.dir, 'upper')},workdir=${join(this.dir, 'work')}`, this.root]);
    const ssh = join(this.root, 'etc/ssh');
    writeFileSync(join(ssh, 'ssh_host_ed25519_key'), readFileSync(join(this.dir, 'host_ed25519')), { mode: 0o600 });
    writeFileSync(join(ssh, 'ssh_host_ed25519_key.pub'), readFileSync(join(this.dir, 'host_ed25519.pub')), { mode: 0o644 });
    writeFileSync(join(this.root, 'root/.ssh/authorized_keys'), readFileSync(`${this.clientKeyPath}.pub`), { mode: 0o600 });
    chmodSync(join(this.root, 'root/.ssh'), 0o700);
    mkdirSync(join(this.root, 'usr/local/bin'), { recursive: true });
    symlinkSync(FAKE_XRAY, join(this.root, 'usr/local/bin/xray'));
  }

  #makeNamespace(): void {
    execFileSync('ip', ['netns', 'add', this.namespace]);
    execFileSync('ip', ['netns', 'exec', this.namespace, 'ip', 'link', 'set', 'lo', 'up']);
  }

  /** Boots the server and waits until systemd says `running`. */
  async boot(): Promise<void> {
    if (this.#nspawn) throw new Error('the server is running already');
    const startedMs = Date.now();
    // The stand-in Xray runs the checkout's pinned Node: the checkout, and node_modules where it is a link, are visible inside.
    const binds = [...new Set([REPO, realpathSync(join(REPO, 'node_modules'))])].map((path) => `--bind-ro=${path}`);
    const log = join(this.dir, 'console.log');
    const nspawn = spawn(
      'systemd-nspawn',
      ['-q', '-D', this.root, '--keep-unit', '--register=no', `--network-namespace-path=/run/netns/${this.namespace}`, '--capability=CAP_NET_ADMIN',
        '--console=pipe', ...binds, '-b'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-64_000);
      writeFileSync(log, output);
    };
    nspawn.stdout!.on('data', keep);
    nspawn.stderr!.on('data', keep);
    this.#nspawn = nspawn;
    this.#nspawnExited = new Promise((done) => nspawn.once('exit', (code) => done(code)));
    const deadline = Date.now() + BOOT_TIMEOUT_MS;
    let state = '';
    while (Date.now() < deadline) {
      if (nspawn.exitCode !== null) throw new Error(`systemd-nspawn exited (${nspawn.exitCode}) while booting:\n${output.slice(-4000)}`);
      const pid1 = this.#containerInit();
      if (pid1 !== undefined) {
        state = nsenterQuiet(pid1, ['systemctl', 'is-system-running']).trim();
        if (state === 'running') {
          this.bootTimesMs.push(Date.now() - startedMs);
          return;
        }
        if (state === 'degraded') {
          const failed = nsenterQuiet(pid1, ['systemctl', '--failed', '--no-legend', '--plain']);
          throw new Error(`the server booted degraded; failed units:\n${failed}`);
        }
      }
      await sleep(200);
    }
    throw new Error(`the server did not reach running within ${BOOT_TIMEOUT_MS} ms (last state "${state}"):\n${output.slice(-4000)}`);
  }

  /** The container's PID 1 as the host sees it: the descendant of nspawn that is pid 1 in its own pid namespace. */
  #containerInit(): number | undefined {
    const nspawnPid = this.#nspawn?.pid;
    if (nspawnPid === undefined) return undefined;
    const pending = [nspawnPid];
    for (let depth = 0; depth < 3 && pending.length > 0; depth += 1) {
      for (const pid of pending.splice(0).flatMap(childPids)) {
        const nspid = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^NSpid:\s+(.*)$/m)?.[1]?.split(/\s+/);
        if (nspid && nspid.length > 1 && nspid.at(-1) === '1') return pid;
        pending.push(pid);
      }
    }
    return undefined;
  }

  /** Runs a command inside the running server, as root, in all of its namespaces (the test's own tooling, not SSH). */
  exec(command: string, args: string[], timeoutMs = 30_000): string {
    const pid1 = this.#containerInit();
    if (pid1 === undefined) throw new Error('the server is not running');
    return execFileSync('nsenter', ['-t', String(pid1), '-m', '-u', '-i', '-n', '-p', '--', command, ...args], { encoding: 'utf8', timeout: timeoutMs });
  }

  /**
   * A real reboot: `systemctl reboot` inside, systemd stops everything and PID 1 ends; then a fresh
   * network stack and the next boot. Returns when the server is `running` again. The SSH entrance
   * on the host stays open throughout (connections fail while the server is down).
   */
  async reboot(): Promise<void> {
    const nspawn = this.#nspawn;
    if (!nspawn) throw new Error('the server is not running');
    const pid1 = this.#containerInit();
    if (pid1 === undefined) throw new Error('the server has no PID 1');
    // --no-block: the command's own process ends with the rest; waiting for it would race the shutdown.
    execFileSync('nsenter', ['-t', String(pid1), '-m', '-u', '-i', '-n', '-p', '--', 'systemctl', '--no-block', 'reboot'], { timeout: 10_000 });
    await this.#waitForExit(SHUTDOWN_TIMEOUT_MS, 'reboot');
    execFileSync('ip', ['netns', 'del', this.namespace]);
    this.#makeNamespace();
    await this.boot();
  }

  /**
   * A power cut: PID 1 is killed (SIGKILL), and with it, by the kernel, every process of the server,
   * none told first; then a fresh network stack and the next boot. Files written stay written (the
   * host's page cache is not lost, so this is a cut for processes, not for the disk).
   */
  async powerCut(): Promise<void> {
    const pid1 = this.#containerInit();
    if (pid1 === undefined) throw new Error('the server has no PID 1');
    process.kill(pid1, 'SIGKILL');
    await this.#waitForExit(SHUTDOWN_TIMEOUT_MS, 'the power cut');
    execFileSync('ip', ['netns', 'del', this.namespace]);
    this.#makeNamespace();
    await this.boot();
  }

  async #waitForExit(timeoutMs: number, what: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((done) => (timer = setTimeout(() => done('timeout'), timeoutMs)));
    const outcome = await Promise.race([this.#nspawnExited, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') throw new Error(`the server did not shut down for ${what} within ${timeoutMs} ms`);
    this.#nspawn = undefined;
  }

  #openSsh(): void {
    // A script, because socat would split an EXEC command at the colons of `TCP:127.0.0.1:22`.
    const entrance = join(this.dir, 'ssh-entrance.sh');
    writeFileSync(entrance, `#!/bin/sh\nexec ip netns exec ${this.namespace} socat STDIO TCP:127.0.0.1:22,nodelay\n`, { mode: 0o755 });
    this.#socat = spawn('socat', [`TCP-LISTEN:${this.sshPort},bind=127.0.0.1,reuseaddr,fork,nodelay`, `EXEC:${entrance}`], { stdio: 'ignore' });
  }

  /** Powers the server off (killing nspawn by its pid if it will not stop), closes SSH, removes the namespace, the overlay and the files. */
  async destroy(): Promise<void> {
    const socat = this.#socat;
    this.#socat = undefined;
    if (socat) await stopSocat(socat);
    const nspawn = this.#nspawn;
    if (nspawn && nspawn.exitCode === null) {
      // SIGRTMIN+4 asks the container's systemd to power off; nspawn forwards SIGTERM as that.
      nspawn.kill('SIGTERM');
      await this.#waitForExit(SHUTDOWN_TIMEOUT_MS, 'poweroff').catch(async () => {
        killQuietly(nspawn.pid!, 'SIGKILL');
        await this.#nspawnExited;
      });
    }
    if (existsSync(`/run/netns/${this.namespace}`)) execFileSync('ip', ['netns', 'del', this.namespace]);
    if (existsSync(this.root)) {
      try {
        execFileSync('umount', [this.root], { stdio: 'ignore' });
      } catch {
        // Not mounted: creation stopped before the overlay.
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function nsenterQuiet(pid: number, command: string[]): string {
  try {
    return execFileSync('nsenter', ['-t', String(pid), '-m', '-u', '-i', '-n', '-p', '--', ...command], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (error) {
    return (error as { stdout?: string }).stdout ?? '';
  }
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
