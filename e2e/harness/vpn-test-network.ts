import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { NamespaceRunner } from './namespace-runner.ts';

/** The server's address on the link to the outside host: what a key's link points at. */
export const SERVER_ADDRESS = '2001:db8:1::1';
/** The outside host: an address on the "internet" side, outside every range the VPN blocks. */
export const OUTSIDE_ADDRESS = '2001:db8:1::2';
/** The cloud metadata service, as clouds serve it to a VM: link-local, one hop from the server. */
export const METADATA_ADDRESS = '169.254.169.254';
const SERVER_LINK_LOCAL = '169.254.0.1';
/** A name an admin gave a loopback service on the server, to show a name pointing at 127.0.0.1 is no way round. */
export const SERVER_LOOPBACK_NAME = 'panel.internal.test';
/** The metadata service's name on Google Cloud VMs. */
export const METADATA_NAME = 'metadata.google.internal';
/** The server's /etc/hosts: Debian's loopback lines and the two names above. */
const SERVER_HOSTS = [
  '127.0.0.1 localhost',
  '::1 localhost ip6-localhost ip6-loopback',
  `127.0.0.1 ${SERVER_LOOPBACK_NAME}`,
  `${METADATA_ADDRESS} ${METADATA_NAME}`,
  '',
].join('\n');

let networksMade = 0;

/**
 * A VPN server and the world it forwards to, without a VPS: two network namespaces joined by a
 * veth pair. "server" holds what a rented server holds (the agent on its loopback, Xray's ports);
 * "outside" is the internet side, on IPv6 documentation addresses (2001:db8::/32) that no block
 * list covers, and it also answers for the cloud metadata address 169.254.169.254 (a VM reaches
 * that service over its own link, not on one of its own interfaces). The server has a hosts file
 * of its own (`ip netns exec` binds /etc/netns/NAME/hosts over /etc/hosts), so what `localhost` and
 * other names resolve to there does not depend on the host. Needs root; touches nothing outside
 * the two namespaces it makes and that file, which goes with them.
 */
export class VpnTestNetwork extends NamespaceRunner {
  readonly server: string;
  readonly outside: string;
  #madeEtcNetns = false;

  private constructor(server: string, outside: string) {
    super();
    this.server = server;
    this.outside = outside;
  }

  static create(): VpnTestNetwork {
    networksMade += 1;
    const base = `keyport-vpn-${process.pid}-${networksMade}`;
    const network = new VpnTestNetwork(`${base}-server`, `${base}-outside`);
    // Interface names are at most 15 characters.
    const serverLink = `kv${process.pid}n${networksMade}s`;
    const outsideLink = `kv${process.pid}n${networksMade}o`;
    try {
      network.#madeEtcNetns = !existsSync('/etc/netns');
      mkdirSync(network.#etcDir, { recursive: true });
      writeFileSync(`${network.#etcDir}/hosts`, SERVER_HOSTS);
      for (const namespace of [network.server, network.outside]) {
        execFileSync('ip', ['netns', 'add', namespace]);
        network.exec(namespace, 'ip', ['link', 'set', 'lo', 'up']);
      }
      execFileSync('ip', ['link', 'add', serverLink, 'netns', network.server, 'type', 'veth', 'peer', 'name', outsideLink, 'netns', network.outside]);
      // nodad: the addresses are usable at once, not after duplicate address detection (~1-2 s).
      network.exec(network.server, 'ip', ['-6', 'addr', 'add', `${SERVER_ADDRESS}/64`, 'dev', serverLink, 'nodad']);
      network.exec(network.outside, 'ip', ['-6', 'addr', 'add', `${OUTSIDE_ADDRESS}/64`, 'dev', outsideLink, 'nodad']);
      network.exec(network.server, 'ip', ['addr', 'add', `${SERVER_LINK_LOCAL}/16`, 'dev', serverLink]);
      network.exec(network.outside, 'ip', ['addr', 'add', `${METADATA_ADDRESS}/16`, 'dev', outsideLink]);
      network.exec(network.server, 'ip', ['link', 'set', serverLink, 'up']);
      network.exec(network.outside, 'ip', ['link', 'set', outsideLink, 'up']);
    } catch (error) {
      network.#deleteNamespaces();
      throw error;
    }
    return network;
  }

  /** What `ip netns exec` binds over the server's /etc. */
  get #etcDir(): string {
    return `/etc/netns/${this.server}`;
  }

  /** Ends every process started through `spawn`, then anything left in the namespaces, and deletes them. */
  async destroy(): Promise<void> {
    await this.stopProcesses();
    for (const namespace of [this.server, this.outside]) {
      // What our processes started themselves (a detached Xray, say) lives in our namespaces only.
      let pids: string[] = [];
      try {
        pids = execFileSync('ip', ['netns', 'pids', namespace], { encoding: 'utf8' }).split('\n').filter(Boolean);
      } catch {
        // The namespace is not there.
      }
      for (const pid of pids) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // Gone already.
        }
      }
    }
    this.#deleteNamespaces();
  }

  #deleteNamespaces(): void {
    // Deleting a namespace deletes the veth pair with it.
    for (const namespace of [this.server, this.outside]) {
      try {
        execFileSync('ip', ['netns', 'del', namespace], { stdio: 'ignore' });
      } catch {
        // Not made, or gone already.
      }
    }
    rmSync(this.#etcDir, { recursive: true, force: true });
    if (this.#madeEtcNetns) {
      try {
        rmdirSync('/etc/netns');
      } catch {
        // Another namespace's files are there now.
      }
    }
  }
}
