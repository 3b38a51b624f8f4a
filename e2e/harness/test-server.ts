import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAKE_XRAY } from '../../test-support/stand-in-xray.ts';
import { waitForPort } from '../../test-support/tcp-traffic.ts';
import { childPids, stopSocat } from './socat-forks.ts';

let serversMade = 0;
let usersMade = 0;

export interface TestServerOptions {
  /**
   * Root (and every user added) gets a shell that talks, as many VPS images do: bash with a
   * greeting, a multi-line banner and a line on stderr in ~/.bashrc, ~/.profile, /etc/bash.bashrc
   * and /etc/profile (Debian's bash reads ~/.bashrc and /etc/bash.bashrc even for `ssh host cmd`:
   * its sshd heuristic), an EXIT trap that prints a farewell, a MOTD and a pre-login banner, and
   * OpenSSH's own sftp-server started through that shell, as Debian's default sshd_config has it.
   * Root's home is then a directory of the server's own, bound over /root.
   */
  greetingShell?: boolean;
  /**
   * What the namespace's name (and the server's temp dir) starts with, before `-PID-N`
   * (default `keyport-e2e`): the demo marks its own this way, to find them after a kill -9.
   */
  namePrefix?: string;
}

/** What a talking shell prints: on stdout (no newline at the end, so it runs into what follows), then on stderr. */
export const GREETING_STDOUT = 'Welcome to keyport-test\n  * Documentation: https://example.invalid/help\n  * System load: 0.42\nWelcome';
export const GREETING_STDERR = 'Welcome (stderr): mesg: ttyname failed: Inappropriate ioctl for device';

/** Directories of the host that each test server has of its own (bound over them in its mount namespace). */
const PRIVATE_DIRS = {
  opt: '/opt',
  'var-lib': '/var/lib',
  'usr-local-bin': '/usr/local/bin',
  'usr-local-share': '/usr/local/share',
  'sudoers.d': '/etc/sudoers.d',
};
const PRIVATE_FILES = ['passwd', 'group', 'shadow'];
/**
 * ufw's state (Debian's ufw 0.36: rules and settings in /etc/ufw and /etc/default/ufw, its lock in
 * /run/ufw.lock), copied from the host where it has them and bound over the host's, so a
 * real ufw in a test server changes only that server's copy (and its namespace's iptables). Its code
 * (/usr/sbin/ufw, /usr/lib/ufw, /usr/share/ufw) is only read.
 */
const PRIVATE_COPIES = {
  'etc-ufw': '/etc/ufw',
  'etc-default-ufw': '/etc/default/ufw',
  'run-ufw.lock': '/run/ufw.lock',
  // firewalld 1.3's configuration, which `--permanent` rewrites (e2e/harness/server-firewalld.ts).
  'etc-firewalld': '/etc/firewalld',
};
const UFW_LOCK = '/run/ufw.lock';
/** What a greeting shell (TestServerOptions.greetingShell) has of its own, bound over the host's. */
const GREETING_DIRS = { 'root-home': '/root' };
const GREETING_FILES = { 'etc-bash.bashrc': '/etc/bash.bashrc', 'etc-profile': '/etc/profile', 'etc-motd': '/etc/motd' };
/**
 * Run-time directories each server has empty of its own: the D-Bus system bus socket (so a bus
 * and firewalld started in the server are the only ones its commands reach, over SSH too) and
 * firewalld's temporary files. The host gets the empty mount points, as it gets /run/sshd.
 */
const PRIVATE_RUN_DIRS = {
  'run-dbus': '/run/dbus',
  'run-firewalld': '/run/firewalld',
};

/**
 * A test server without a VPS: a network namespace of its own (loopback, iptables, ports) with a
 * real OpenSSH sshd inside, reached from the host only through 127.0.0.1 (socat runs `sshd -i` in
 * the namespace for each connection). Needs root.
 *
 * Everything that runs in the server (sshd, what it starts, `exec`) goes through `enter.sh`, which
 * binds the server's own /opt, /var/lib, /usr/local/bin (holding the stand-in `xray`),
 * /usr/local/share (where Xray's geo files go), /etc/sudoers.d, user database, ufw's and
 * firewalld's state (PRIVATE_COPIES) and /run/dbus (PRIVATE_RUN_DIRS) over the host's in a private
 * mount namespace, so two servers never share an install and the host is left as it was.
 */
export class TestServer {
  readonly namespace: string;
  readonly sshPort: number;
  readonly dir: string;
  /** The private key root logs in with. */
  readonly clientKeyPath: string;
  /** The host key's fingerprint as OpenSSH shows it: SHA256:base64, no padding. */
  hostKeyFingerprint: string;
  readonly greetingShell: boolean;
  #socat: ChildProcess | undefined;

  private constructor(namespace: string, sshPort: number, dir: string, hostKeyFingerprint: string, greetingShell: boolean) {
    this.namespace = namespace;
    this.greetingShell = greetingShell;
    this.sshPort = sshPort;
    this.dir = dir;
    this.clientKeyPath = join(dir, 'client_ed25519');
    this.hostKeyFingerprint = hostKeyFingerprint;
  }

  static async create(sshPort: number, options: TestServerOptions = {}): Promise<TestServer> {
    const greetingShell = options.greetingShell ?? false;
    serversMade += 1;
    const namespace = `${options.namePrefix ?? 'keyport-e2e'}-${process.pid}-${serversMade}`;
    const dir = mkdtempSync(join(tmpdir(), `${namespace}-`));
    execFileSync('ip', ['netns', 'add', namespace]);
    execFileSync('ip', ['netns', 'exec', namespace, 'ip', 'link', 'set', 'lo', 'up']);
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    // sshd reads authorized_keys as the logging-in user, who may not be root.
    chmodSync(dir, 0o755);
    makePrivateRoot(dir, greetingShell);
    mkdirSync(join(dir, 'tmp'), { mode: 0o1777 });
    chmodSync(join(dir, 'tmp'), 0o1777);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_ed25519')]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'client_ed25519')]);
    execFileSync('cp', [join(dir, 'client_ed25519.pub'), join(dir, 'authorized_keys')]);
    writeFileSync(join(dir, 'sshd_config'), sshdConfig(dir, greetingShell), { mode: 0o600 });
    const server = new TestServer(namespace, sshPort, dir, hostFingerprint(dir), greetingShell);
    server.startSshd();
    await waitForPort(sshPort);
    return server;
  }

  /** (Re)opens the SSH entrance on 127.0.0.1:sshPort. */
  startSshd(): void {
    if (this.#socat) return;
    const sshd = `ip netns exec ${this.namespace} ${join(this.dir, 'enter.sh')} /usr/sbin/sshd -i -f ${join(this.dir, 'sshd_config')}`;
    // nodelay: sshd -i cannot set TCP options on a socket socat owns; without it Nagle's algorithm
    // holds back sshd's second packet of an answer for a delayed ACK (~40 ms per API call).
    this.#socat = spawn('socat', [`TCP-LISTEN:${this.sshPort},bind=127.0.0.1,reuseaddr,fork,nodelay`, `EXEC:${sshd}`], {
      stdio: 'ignore',
    });
  }

  /**
   * Also serves SSH inside the namespace on `address`:`port` (127.0.0.1 unless given; an IPv6
   * address of one of its links, say), so this server can be its own ProxyJump hop (`-J` to
   * sshPort, then address:port). It ends with the server.
   */
  serveSshInside(port: number, address = '127.0.0.1'): void {
    const sshd = `${join(this.dir, 'enter.sh')} /usr/sbin/sshd -i -f ${join(this.dir, 'sshd_config')}`;
    const listen = address.includes(':') ? `TCP6-LISTEN:${port},bind=[${address}]` : `TCP-LISTEN:${port},bind=${address}`;
    spawn('ip', ['netns', 'exec', this.namespace, 'socat', `${listen},reuseaddr,fork,nodelay`, `EXEC:${sshd}`], {
      stdio: 'ignore',
    });
  }

  /** Closes the SSH entrance, as if the server went offline. Open sessions end too. */
  async stopSshd(): Promise<void> {
    const socat = this.#socat;
    this.#socat = undefined;
    // socat forks one child per connection; ending them drops the open sessions too.
    if (socat) await stopSocat(socat);
  }

  /** The TMPDIR of the server's SSH sessions (a directory of its own, never the host's /tmp). */
  get tmpDir(): string {
    return join(this.dir, 'tmp');
  }

  /** Processes serving the open SSH sessions (socat's per-connection children and what they run), for a test that cuts them. */
  sessionPids(): number[] {
    if (!this.#socat?.pid) return [];
    const found: number[] = [];
    const queue = childPids(this.#socat.pid);
    // Bounded: a session tree is a handful of processes.
    while (queue.length > 0 && found.length < 1_000) {
      const pid = queue.shift()!;
      found.push(pid);
      queue.push(...childPids(pid));
    }
    return found;
  }

  /** Kills the sshd processes of the open sessions (SIGKILL, by pid), as a crash of sshd would: the entrance stays open. */
  killSshd(): number[] {
    const killed = this.sessionPids().filter((pid) => processName(pid) === 'sshd');
    for (const pid of killed) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Ended already.
      }
    }
    return killed;
  }

  /** Runs a command inside the server, as root (as the test's own tooling, not over SSH). */
  exec(command: string, args: string[]): string {
    return execFileSync('ip', ['netns', 'exec', this.namespace, join(this.dir, 'enter.sh'), command, ...args], {
      encoding: 'utf8',
    });
  }

  /** Where a path inside one of the server's private dirs (PRIVATE_DIRS, PRIVATE_COPIES, PRIVATE_RUN_DIRS, GREETING_*) lies on the host. */
  hostPath(serverPath: string): string {
    const greeting = this.greetingShell ? [...Object.entries(GREETING_DIRS), ...Object.entries(GREETING_FILES)] : [];
    for (const [name, mountPoint] of [...Object.entries(PRIVATE_DIRS), ...Object.entries(PRIVATE_COPIES), ...Object.entries(PRIVATE_RUN_DIRS), ...greeting]) {
      if (serverPath === mountPoint || serverPath.startsWith(`${mountPoint}/`)) {
        return join(this.dir, 'root', name, serverPath.slice(mountPoint.length));
      }
    }
    throw new Error(`${serverPath} is not private to the test server`);
  }

  /**
   * Adds a user who logs in with the same client key as root (and with `password`, if given), and
   * who may use sudo without a password, only with one, or not at all. The user exists only inside
   * this server.
   */
  addUser(sudo: 'nopasswd' | 'password' | 'none', options: { password?: string } = {}): string {
    usersMade += 1;
    const name = `kpuser${usersMade}`;
    const uid = 42_000 + usersMade;
    const home = join(this.dir, 'home', name);
    mkdirSync(home, { recursive: true });
    if (this.greetingShell) writeGreetingHome(home);
    execFileSync('chown', ['-R', `${uid}:${uid}`, home]);
    const etc = join(this.dir, 'root', 'etc');
    appendFileSync(join(etc, 'passwd'), `${name}:x:${uid}:${uid}::${home}:${this.greetingShell ? '/bin/bash' : '/bin/sh'}\n`);
    appendFileSync(join(etc, 'group'), `${name}:x:${uid}:\n`);
    // The password goes on stdin so that it never shows in a process list.
    const hash = options.password === undefined
      ? '*'
      : execFileSync('openssl', ['passwd', '-6', '-stdin'], { input: options.password, encoding: 'utf8' }).trim();
    appendFileSync(join(etc, 'shadow'), `${name}:${hash}:19000:0:99999:7:::\n`);
    if (sudo !== 'none') {
      const rule = sudo === 'nopasswd' ? 'ALL=(ALL) NOPASSWD: ALL' : 'ALL=(ALL) ALL';
      const file = join(this.dir, 'root', 'sudoers.d', name);
      writeFileSync(file, `${name} ${rule}\n`);
      chmodSync(file, 0o440);
    }
    return name;
  }

  /** Gives the server a new host key, as a reinstalled (or impersonated) server would have. */
  replaceHostKey(): void {
    rmSync(join(this.dir, 'host_ed25519'));
    rmSync(join(this.dir, 'host_ed25519.pub'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(this.dir, 'host_ed25519')]);
    this.hostKeyFingerprint = hostFingerprint(this.dir);
  }

  /**
   * Makes the server's TCP port answer on the host's 127.0.0.1 at the same number, as a key port
   * opened in a provider's firewall answers on the server's public address (socat into the
   * namespace, like the SSH entrance). Closing the forward makes the port unreachable again.
   */
  async forwardPort(port: number): Promise<{ close(): Promise<void> }> {
    // socat splits an address at ':' and ',': the inner socat's own address must keep them, escaped.
    const inside = `ip netns exec ${this.namespace} socat STDIO ${socatEscaped(`TCP:127.0.0.1:${port},nodelay`)}`;
    const socat = spawn('socat', [`TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork,nodelay`, `EXEC:${inside}`], { stdio: 'ignore' });
    await waitForPort(port);
    return {
      close: () => stopSocat(socat),
    };
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

/** `text` as one parameter of a socat address, its ':' and ',' (and '\\') escaped. */
const socatEscaped = (text: string) => text.replace(/[\\:,]/g, '\\$&');

function processName(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function hostFingerprint(dir: string): string {
  return execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'host_ed25519.pub')], { encoding: 'utf8' }).split(' ')[1]!;
}

function makePrivateRoot(dir: string, greetingShell: boolean): void {
  const root = join(dir, 'root');
  for (const name of Object.keys(PRIVATE_DIRS)) mkdirSync(join(root, name), { recursive: true, mode: 0o755 });
  chmodSync(join(root, 'sudoers.d'), 0o750);
  symlinkSync(FAKE_XRAY, join(root, 'usr-local-bin', 'xray'));
  mkdirSync(join(root, 'etc'));
  for (const file of PRIVATE_FILES) copyFileSync(join('/etc', file), join(root, 'etc', file));
  const copies = Object.entries(PRIVATE_COPIES).filter(([name, target]) => copyForServer(target, join(root, name)));
  for (const [name, target] of Object.entries(PRIVATE_RUN_DIRS)) {
    mkdirSync(target, { recursive: true, mode: 0o755 });
    mkdirSync(join(root, name), { mode: 0o755 });
  }
  const binds = [
    ...Object.entries(PRIVATE_DIRS).map(([name, target]) => `mount --bind ${join(root, name)} ${target}`),
    ...PRIVATE_FILES.map((file) => `mount --bind ${join(root, 'etc', file)} /etc/${file}`),
    ...copies.map(([name, target]) => `mount --bind ${join(root, name)} ${target}`),
    ...Object.entries(PRIVATE_RUN_DIRS).map(([name, target]) => `mount --bind ${join(root, name)} ${target}`),
    ...(greetingShell ? makeGreetingFiles(root) : []),
  ];
  writeFileSync(join(dir, 'enter.sh'), ['#!/bin/sh', 'set -e', ...binds, 'exec "$@"', ''].join('\n'), { mode: 0o755 });
}

/**
 * A talking shell's files, in the server's root; returns the binds that put them over the host's.
 * Every file prints on stdout and stderr, so output from any of them shows wherever it leaks.
 */
function makeGreetingFiles(root: string): string[] {
  const home = join(root, 'root-home');
  mkdirSync(home, { mode: 0o700 });
  writeGreetingHome(home);
  writeFileSync(join(root, 'etc-bash.bashrc'), `${greetingLines('/etc/bash.bashrc')}[ -z "$PS1" ] && return\n`, { mode: 0o644 });
  writeFileSync(join(root, 'etc-profile'), `${greetingLines('/etc/profile')}if [ -n "$BASH_VERSION" ] && [ -f /etc/bash.bashrc ]; then . /etc/bash.bashrc; fi\n`, { mode: 0o644 });
  writeFileSync(join(root, 'etc-motd'), `${GREETING_STDOUT}\nMOTD: the last line of /etc/motd\n`, { mode: 0o644 });
  writeFileSync(join(root, 'ssh-banner'), 'Authorized access only. (pre-login banner)\n', { mode: 0o644 });
  return [
    ...Object.entries(GREETING_DIRS).map(([name, target]) => `mount --bind ${join(root, name)} ${target}`),
    ...Object.entries(GREETING_FILES).map(([name, target]) => `mount --bind ${join(root, name)} ${target}`),
  ];
}

/** ~/.bashrc (talking before Debian's "not interactive: return", as careless edits do) and ~/.profile. */
function writeGreetingHome(home: string): void {
  const farewell = `trap 'echo "Bye from ~/.bashrc"; echo "Bye (stderr)" >&2' EXIT\n`;
  writeFileSync(join(home, '.bashrc'), `${greetingLines('~/.bashrc')}${farewell}[ -z "$PS1" ] && return\n`, { mode: 0o644 });
  writeFileSync(join(home, '.profile'), `${greetingLines('~/.profile')}if [ -n "$BASH_VERSION" ] && [ -f ~/.bashrc ]; then . ~/.bashrc; fi\n`, { mode: 0o644 });
}

function greetingLines(file: string): string {
  return [
    `# A greeting, as VPS images and admins put them here (${file}).`,
    `printf '%s' ${shQuote(`${GREETING_STDOUT} (from ${file})`)}`,
    `echo ${shQuote(GREETING_STDERR)} >&2`,
    '',
  ].join('\n');
}

function shQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Copies a host path for a server (false when the host has none: then nothing is bound over it). */
function copyForServer(hostPath: string, copy: string): boolean {
  if (hostPath === UFW_LOCK) {
    // The lock holds no state: the server gets an empty one. A bind needs its mount point, so the
    // host gets the empty file ufw itself leaves there, as it gets /run/sshd.
    if (!existsSync('/usr/sbin/ufw')) return false;
    if (!existsSync(UFW_LOCK)) writeFileSync(UFW_LOCK, '', { mode: 0o644 });
    writeFileSync(copy, '', { mode: 0o644 });
    return true;
  }
  if (!existsSync(hostPath)) return false;
  execFileSync('cp', ['-a', hostPath, copy]);
  return true;
}

function sshdConfig(dir: string, greetingShell: boolean): string {
  const talking = greetingShell
    ? ['PrintMotd yes', `Banner ${join(dir, 'root', 'ssh-banner')}`, 'Subsystem sftp /usr/lib/openssh/sftp-server']
    : ['Subsystem sftp internal-sftp'];
  return [
    `HostKey ${join(dir, 'host_ed25519')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PermitRootLogin prohibit-password',
    // Only users added with a password have a hash to log in with; root stays key-only.
    'PasswordAuthentication yes',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'PidFile none',
    // Each server stages uploads in a TMPDIR of its own, as a VPS has its own /tmp (the host's is shared by every test).
    `SetEnv TMPDIR=${join(dir, 'tmp')}`,
    'LogLevel ERROR',
    'AllowTcpForwarding yes',
    ...talking,
    '',
  ].join('\n');
}
